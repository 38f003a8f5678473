// Models whose state is more than one value: a set (add, read), a FIFO queue
// (enqueue, dequeue), a counter (add, increment, read) and a mutex (acquire,
// release). Each is one object; a keyed history is split per key first.
#pragma once

#include <memory>

#include "checkers/history/value.h"
#include "checkers/linearizability/model.h"

namespace simlab::linearizability {

// init: nil or a list of the initial elements.
std::unique_ptr<Model> make_set_model(const history::Value& init);
// init: nil or a list, head first. A dequeue that returns nil found it empty.
std::unique_ptr<Model> make_queue_model(const history::Value& init);
// init: nil (0) or an integer. add's value is the amount; increment adds 1.
std::unique_ptr<Model> make_counter_model(const history::Value& init);
// Starts released; init is ignored.
std::unique_ptr<Model> make_mutex_model();

}  // namespace simlab::linearizability
