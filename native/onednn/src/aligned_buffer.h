// A 64-byte-aligned float/byte buffer that owns its memory: oneDNN reads and writes whole cache
// lines, and its vectorised kernels prefer aligned operands.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t bytes) { allocate(bytes); }
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
  AlignedBuffer(AlignedBuffer &&other) noexcept { swap(other); }
  AlignedBuffer &operator=(AlignedBuffer &&other) noexcept {
    AlignedBuffer(std::move(other)).swap(*this);
    return *this;
  }
  ~AlignedBuffer() { std::free(data_); }

  /** Drops the old contents; the new ones are uninitialised. */
  void allocate(size_t bytes) {
    std::free(data_);
    data_ = nullptr;
    bytes_ = bytes;
    if (bytes == 0) return;
    // aligned_alloc wants a multiple of the alignment.
    size_t rounded = (bytes + 63) / 64 * 64;
    data_ = std::aligned_alloc(64, rounded);
    if (!data_) throw std::bad_alloc();
  }

  void copyFrom(const void *src, size_t bytes) {
    if (bytes != bytes_) allocate(bytes);
    if (bytes) std::memcpy(data_, src, bytes);
  }

  void zero() {
    if (bytes_) std::memset(data_, 0, bytes_);
  }

  void *data() const { return data_; }
  float *floats() const { return static_cast<float *>(data_); }
  size_t bytes() const { return bytes_; }

 private:
  void swap(AlignedBuffer &other) noexcept {
    std::swap(data_, other.data_);
    std::swap(bytes_, other.bytes_);
  }

  void *data_ = nullptr;
  size_t bytes_ = 0;
};
