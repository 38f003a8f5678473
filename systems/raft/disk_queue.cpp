#include "systems/raft/disk_queue.h"

namespace simlab::raft {

void DiskQueue::write(NodeContext& context, std::string file, std::uint64_t offset, Bytes bytes,
                      Done done) {
  push(context, Op{Kind::write, std::move(file), offset, std::move(bytes), std::move(done)});
}

void DiskQueue::append_and_sync(NodeContext& context, const std::string& file,
                                std::uint64_t offset, Bytes bytes, Done done) {
  if (queue_.size() >= 2) {
    Op& write_op = queue_[queue_.size() - 2];
    Op& sync_op = queue_.back();
    if (write_op.kind == Kind::write && write_op.file == file && !write_op.done &&
        write_op.offset + write_op.bytes.size() == offset && sync_op.kind == Kind::fsync &&
        sync_op.file == file) {
      write_op.bytes.insert(write_op.bytes.end(), bytes.begin(), bytes.end());
      sync_op.done = std::move(done);
      return;
    }
  }
  write(context, file, offset, std::move(bytes));
  fsync(context, file, std::move(done));
}

void DiskQueue::fsync(NodeContext& context, std::string file, Done done) {
  push(context, Op{Kind::fsync, std::move(file), 0, {}, std::move(done)});
}

void DiskQueue::read(NodeContext& context, std::string file, std::uint64_t length, Done done) {
  push(context, Op{Kind::read, std::move(file), length, {}, std::move(done)});
}

void DiskQueue::truncate(NodeContext& context, std::string file, std::uint64_t size, Done done) {
  push(context, Op{Kind::truncate, std::move(file), size, {}, std::move(done)});
}

void DiskQueue::push(NodeContext& context, Op op) {
  queue_.push_back(std::move(op));
  pump(context);
}

void DiskQueue::pump(NodeContext& context) {
  if (in_flight_ || queue_.empty()) return;
  current_ = std::move(queue_.front());
  queue_.pop_front();
  Op& op = *current_;
  switch (op.kind) {
    case Kind::write: in_flight_ = context.disk_write(op.file, op.offset, op.bytes); break;
    case Kind::fsync: in_flight_ = context.disk_fsync(op.file); break;
    case Kind::read: in_flight_ = context.disk_read(op.file, 0, op.offset); break;
    case Kind::truncate: in_flight_ = context.disk_truncate(op.file, op.offset); break;
  }
}

bool DiskQueue::on_disk_done(NodeContext& context, DiskOpId id, DiskStatus status,
                             ByteView bytes) {
  if (!in_flight_ || *in_flight_ != id) return false;
  in_flight_.reset();
  // BUGGIFY: the fsync is reported late (a slow device): the same file is
  // synced again and only that completion counts.
  if (!orphaned_ && status == DiskStatus::ok && current_->kind == Kind::fsync &&
      !current_->delayed && context.buggify("raft.slow-fsync")) {
    current_->delayed = true;
    in_flight_ = context.disk_fsync(current_->file);
    return true;
  }
  Op op = std::move(*current_);
  current_.reset();
  if (orphaned_) {
    orphaned_ = false;
  } else if (status != DiskStatus::ok && error_handler_) {
    error_handler_(context, status);
  } else if (op.done) {
    op.done(context, status, bytes);
  }
  pump(context);
  return true;
}

void DiskQueue::reset() {
  queue_.clear();
  orphaned_ = in_flight_.has_value();
}

}  // namespace simlab::raft
