#include "systems/common/types.h"

namespace simlab {

const char* disk_status_name(DiskStatus status) {
  switch (status) {
    case DiskStatus::ok: return "ok";
    case DiskStatus::io_error: return "EIO";
    case DiskStatus::no_space: return "ENOSPC";
  }
  return "?";
}

}  // namespace simlab
