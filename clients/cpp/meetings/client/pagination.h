// PaginationRange: the items of every page of a List call as one lazy,
// single-pass range of absl::StatusOr<T>:
//
//   for (absl::StatusOr<v1::Meeting>& meeting : client.ListMeetings(request)) {
//     if (!meeting.ok()) { /* the failed page's status; the loop ends */ break; }
//     Use(*meeting);
//   }
//
// Pages are fetched on demand: the first when begin() is called, the next
// when the items of the current one are used up and it had a
// next_page_token. If a fetch fails the range yields that error as one
// element and then ends.
#ifndef MEETINGS_CLIENT_PAGINATION_H_
#define MEETINGS_CLIENT_PAGINATION_H_

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace meetings::client {

// One page of a List call.
template <typename T>
struct Page {
  std::vector<T> items;
  // Empty on the last page.
  std::string next_page_token;
};

// Move-only and single-pass: begin() continues where the last iteration
// stopped. Not thread-safe; use one range from one thread at a time.
template <typename T>
class PaginationRange {
 public:
  // Fetches the page at `page_token` ("" for the first page).
  using PageFetcher = std::function<absl::StatusOr<Page<T>>(const std::string& page_token)>;

  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = absl::StatusOr<T>;
    using difference_type = std::ptrdiff_t;
    using pointer = value_type*;
    using reference = value_type&;

    iterator() = default;
    reference operator*() const { return state_->current; }
    pointer operator->() const { return &state_->current; }
    iterator& operator++() {
      state_->Advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    // Iterators of one range compare equal exactly when both are at the end.
    friend bool operator==(const iterator& a, const iterator& b) { return a.done() == b.done(); }

   private:
    friend class PaginationRange;
    explicit iterator(typename PaginationRange::State* state) : state_(state) {}
    bool done() const { return state_ == nullptr || state_->finished; }
    typename PaginationRange::State* state_ = nullptr;
  };

  explicit PaginationRange(PageFetcher fetch) : state_(std::make_unique<State>(std::move(fetch))) {}

  // Fetches the first page on the first call.
  iterator begin() {
    if (!state_->started) {
      state_->started = true;
      state_->Advance();
    }
    return iterator(state_.get());
  }
  iterator end() { return iterator(); }

 private:
  struct State {
    explicit State(PageFetcher f) : fetch(std::move(f)) {}

    // Moves to the next item, fetching pages as needed (skipping empty
    // ones), or to the error of a failed fetch, or to the end.
    void Advance() {
      if (failed || finished) {
        finished = true;
        return;
      }
      while (index == items.size()) {
        if (fetched_any && next_token.empty()) {
          finished = true;
          return;
        }
        auto page = fetch(next_token);
        fetched_any = true;
        if (page.ok() && !page->next_page_token.empty() && page->next_page_token == next_token) {
          // A server that hands back the token it was given would loop us forever.
          page = absl::InternalError("the server returned the same page token again");
        }
        if (!page.ok()) {
          current = page.status();
          failed = true;
          return;
        }
        items = std::move(page->items);
        index = 0;
        next_token = std::move(page->next_page_token);
      }
      current = std::move(items[index++]);
    }

    PageFetcher fetch;
    std::vector<T> items;
    size_t index = 0;
    std::string next_token;
    bool started = false;
    bool fetched_any = false;
    bool failed = false;
    bool finished = false;
    absl::StatusOr<T> current = absl::UnknownError("no current item");
  };

  std::unique_ptr<State> state_;
};

}  // namespace meetings::client

#endif  // MEETINGS_CLIENT_PAGINATION_H_
