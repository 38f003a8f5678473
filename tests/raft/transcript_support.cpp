#include "tests/raft/transcript.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace simlab::testing {
namespace {

std::uint64_t number(const TranscriptCommand& command, const std::string& key,
                     std::uint64_t fallback) {
  auto found = command.args.find(key);
  return found == command.args.end() ? fallback : std::stoull(found->second);
}

std::string text(const TranscriptCommand& command, const std::string& key,
                 const std::string& fallback = {}) {
  auto found = command.args.find(key);
  return found == command.args.end() ? fallback : found->second;
}

NodeId node_arg(const TranscriptCommand& command, const std::string& key = "node") {
  const std::uint64_t id = number(command, key, 0);
  if (id == 0) throw std::invalid_argument(command.name + ": missing " + key + "=");
  return static_cast<NodeId>(id);
}

std::string options_json(const TranscriptCommand& command) {
  std::string raft;
  const char* keys[] = {"election_ticks", "heartbeat_ticks", "snapshot_entries",
                        "entries_per_message", "inflight_appends"};
  for (const char* key : keys) {
    if (command.args.count(key)) raft += ",\"" + std::string(key) + "\":" + command.args.at(key);
  }
  const char* flags[] = {"pre_vote", "check_quorum", "lease_reads"};
  for (const char* key : flags) {
    if (command.args.count(key)) raft += ",\"" + std::string(key) + "\":" + command.args.at(key);
  }
  if (raft.empty()) return {};
  return "{\"raft\":{" + raft.substr(1) + "}}";
}

}  // namespace

TranscriptCommand parse_command(const std::string& line) {
  TranscriptCommand command;
  std::istringstream stream(line);
  stream >> command.name;
  for (std::string word; stream >> word;) {
    const auto equals = word.find('=');
    if (equals == std::string::npos) {
      command.positional.push_back(word);
    } else {
      command.args[word.substr(0, equals)] = word.substr(equals + 1);
    }
  }
  return command;
}

std::vector<std::string> TranscriptRunner::run(const TranscriptCommand& command) {
  std::vector<std::string> lines;
  if (command.name == "cluster") {
    std::set<std::string> bugs;
    std::istringstream list(text(command, "bugs"));
    for (std::string bug; std::getline(list, bug, ',');) {
      if (!bug.empty()) bugs.insert(bug);
    }
    cluster_ = std::make_unique<TestCluster>(static_cast<int>(number(command, "size", 3)), bugs,
                                             options_json(command));
    sequences_.clear();
  } else if (!cluster_) {
    throw std::invalid_argument("the first command must be 'cluster'");
  } else if (command.name == "status") {
    lines = status(command);
  } else {
    lines = run_cluster_command(command);
  }
  if (cluster_) {
    std::vector<std::string> output = cluster_->take_output();
    output.insert(output.end(), lines.begin(), lines.end());
    lines = std::move(output);
  }
  if (lines.empty()) lines.push_back("ok");
  return lines;
}

std::vector<std::string> TranscriptRunner::run_cluster_command(const TranscriptCommand& command) {
  TestCluster& cluster = *cluster_;
  const std::string& name = command.name;
  if (name == "tick") {
    cluster.tick(node_arg(command), static_cast<int>(number(command, "count", 1)));
  } else if (name == "tick-all") {
    cluster.tick_all(static_cast<int>(number(command, "count", 1)));
  } else if (name == "campaign") {
    // Ticks one node until its election timer fires (at most 2x the timeout).
    const NodeId id = node_arg(command);
    for (int i = 0; i < 64 && cluster.raft(id).role() == raft::Role::follower; ++i) {
      cluster.tick(id, 1);
    }
  } else if (name == "stabilize") {
    cluster.stabilize();
  } else if (name == "deliver") {
    cluster.deliver(static_cast<NodeId>(number(command, "from", 0)),
                    static_cast<NodeId>(number(command, "to", 0)),
                    static_cast<int>(number(command, "count", 1u << 30)));
  } else if (name == "drop") {
    const int dropped = cluster.drop(static_cast<NodeId>(number(command, "from", 0)),
                                     static_cast<NodeId>(number(command, "to", 0)));
    return {"dropped " + std::to_string(dropped) + " messages"};
  } else if (name == "disk") {
    cluster.complete_disk(node_arg(command), static_cast<int>(number(command, "count", 1u << 30)));
  } else if (name == "crash") {
    cluster.crash(node_arg(command), number(command, "torn", 0));
  } else if (name == "start" || name == "restart") {
    cluster.start(node_arg(command));
  } else if (name == "isolate") {
    cluster.isolate(node_arg(command));
  } else if (name == "cut") {
    cluster.cut(node_arg(command, "a"), node_arg(command, "b"));
  } else if (name == "heal") {
    cluster.heal();
  } else if (name == "corrupt") {
    cluster.flip_byte(node_arg(command), text(command, "file", "raft.wal.0"),
                      number(command, "offset", 0));
  } else if (name == "file") {
    const FileImage* image = cluster.file(node_arg(command), text(command, "name", "raft.wal.0"));
    if (image == nullptr) return {"missing"};
    return {"durable=" + std::to_string(image->durable.size()) +
            " current=" + std::to_string(image->current.size())};
  } else if (name == "violations") {
    std::vector<std::string> lines;
    for (const Violation& violation : cluster.violations()) {
      lines.push_back(violation.invariant + " node=" + std::to_string(violation.node.value_or(0)));
    }
    if (lines.empty()) lines.push_back("none");
    return lines;
  } else if (name == "set") {
    cluster.print_messages = text(command, "messages", "true") == "true";
    cluster.print_logs = text(command, "logs", "true") == "true";
  } else {
    return run_client_command(command);
  }
  return {};
}

std::vector<std::string> TranscriptRunner::run_client_command(const TranscriptCommand& command) {
  kv::Request request;
  const std::string& name = command.name;
  const NodeId target = node_arg(command);
  request.client_id = number(command, "client", 1);
  request.key = number(command, "key", 0);
  if (name == "write" || name == "cas" || name == "append") {
    request.sequence = number(command, "seq", ++sequences_[request.client_id]);
  }
  if (name == "write") {
    request.kind = kv::RequestKind::write;
    request.value = kv::KvValue{static_cast<std::int64_t>(number(command, "value", 0))};
  } else if (name == "cas") {
    request.kind = kv::RequestKind::cas;
    request.expected = kv::KvValue{static_cast<std::int64_t>(number(command, "from", 0))};
    request.value = kv::KvValue{static_cast<std::int64_t>(number(command, "to", 0))};
  } else if (name == "append") {
    request.kind = kv::RequestKind::append;
    request.value = kv::KvValue{text(command, "value")};
  } else if (name == "read") {
    request.kind = kv::RequestKind::read;
  } else if (name == "add" || name == "remove" || name == "transfer") {
    request.kind = name == "add"      ? kv::RequestKind::add_server
                   : name == "remove" ? kv::RequestKind::remove_server
                                      : kv::RequestKind::transfer_leader;
    request.node = node_arg(command, "target");
  } else {
    throw std::invalid_argument("unknown command '" + name + "'");
  }
  const RequestId id = cluster_->request(target, request);
  return {"request #" + std::to_string(id) + " sent to " + std::to_string(target)};
}

std::vector<std::string> TranscriptRunner::status(const TranscriptCommand& command) const {
  std::vector<std::string> lines;
  for (NodeId id : cluster_->ids()) {
    if (command.args.count("node") && id != node_arg(command)) continue;
    lines.push_back(cluster_->up(id) ? cluster_->raft(id).status_text()
                                     : std::to_string(id) + " down");
  }
  return lines;
}

TranscriptResult run_transcript(const std::string& path) {
  std::ifstream input(path);
  if (!input) throw std::invalid_argument("cannot open " + path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(input, line);) lines.push_back(line);
  TranscriptResult result;
  TranscriptRunner runner;
  std::size_t i = 0;
  while (i < lines.size()) {
    const std::string& line = lines[i];
    result.expected += line + "\n";
    if (line.empty() || line[0] == '#') {
      result.actual += line + "\n";
      ++i;
      continue;
    }
    result.actual += line + "\n----\n";
    ++i;
    if (i >= lines.size() || lines[i] != "----") {
      throw std::invalid_argument(path + ":" + std::to_string(i) + ": expected ---- after command");
    }
    result.expected += "----\n";
    for (++i; i < lines.size() && !lines[i].empty(); ++i) result.expected += lines[i] + "\n";
    for (const std::string& output : runner.run(parse_command(line))) {
      result.actual += output + "\n";
    }
  }
  return result;
}

}  // namespace simlab::testing
