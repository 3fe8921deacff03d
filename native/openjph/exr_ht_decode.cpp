// The HTJ2K decode OpenEXR's internal_ht.cpp performs for one chunk (ht_undo_impl), exported for the host: read
// the codestream's headers, decode planar when the part has subsampled channels, and hand back every component's
// reconstructed 32-bit samples (half samples in their low 16 bits, float and uint samples whole: OpenEXR copies them
// back bit for bit). Components are stored one after another, each recon_width x recon_height.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <openjph/ojph_arch.h>
#include <openjph/ojph_codestream.h>
#include <openjph/ojph_file.h>
#include <openjph/ojph_mem.h>
#include <openjph/ojph_message.h>
#include <openjph/ojph_params.h>

namespace {
// JPEG 2000's own limit on Csiz (ISO/IEC 15444-1), which OpenEXR's HTJ2K reaches: it writes and reads 16,384
// channels in one chunk and fails past that.
constexpr uint32_t MAX_COMPONENTS = 16384;
uint32_t info[3 + 2 * MAX_COMPONENTS]; // width, height, components, then per component width and height
int32_t* samples = nullptr;
uint64_t start[MAX_COMPONENTS]; // where each component's samples begin in `samples`
}

extern "C" {

__attribute__((export_name("exr_ht_alloc"))) void* exr_ht_alloc(uint32_t bytes) { return std::malloc(bytes); }

__attribute__((export_name("exr_ht_free"))) void exr_ht_free(void* p) { std::free(p); }

__attribute__((export_name("exr_ht_info"))) uint32_t* exr_ht_info() { return info; }

__attribute__((export_name("exr_ht_samples"))) int32_t* exr_ht_samples() { return samples; }

/**
 * Decodes `length` bytes at `codestream`; at most `max_samples` samples in all (the chunk's own count, checked
 * against the SIZ marker before any is decoded). Returns 0 when done, a positive code when refused.
 */
__attribute__((export_name("exr_ht_decode"))) int exr_ht_decode(const uint8_t* codestream, uint32_t length,
                                                                   int planar, uint32_t max_samples) {
  std::free(samples);
  samples = nullptr;
  ojph::mem_infile file;
  file.open(codestream, length);
  ojph::codestream cs;
  cs.read_headers(&file);
  ojph::param_siz siz = cs.access_siz();
  const uint32_t n = siz.get_num_components();
  if (n == 0 || n > MAX_COMPONENTS) return 1;
  info[0] = siz.get_image_extent().x - siz.get_image_offset().x;
  info[1] = siz.get_image_extent().y - siz.get_image_offset().y;
  info[2] = n;
  uint64_t total = 0;
  for (uint32_t c = 0; c < n; c++) {
    info[3 + 2 * c] = siz.get_recon_width(c);
    info[4 + 2 * c] = siz.get_recon_height(c);
    total += (uint64_t)siz.get_recon_width(c) * siz.get_recon_height(c);
  }
  if (total > max_samples) return 2;
  cs.set_planar(planar != 0);
  cs.create();
  samples = static_cast<int32_t*>(std::malloc(total * sizeof(int32_t) + 4));
  if (!samples) return 3;
  for (uint64_t c = 0, at = 0; c < n; c++) {
    start[c] = at;
    at += (uint64_t)info[3 + 2 * c] * info[4 + 2 * c];
  }
  ojph::ui32 got = 0;
  if (cs.is_planar()) {
    for (uint32_t c = 0; c < n; c++)
      for (uint32_t y = 0; y < info[4 + 2 * c]; y++) {
        ojph::line_buf* line = cs.pull(got);
        if (got != c) return 4;
        std::memcpy(samples + start[c] + (uint64_t)y * info[3 + 2 * c], line->i32, info[3 + 2 * c] * 4);
      }
  } else {
    for (uint32_t y = 0; y < info[1]; y++)
      for (uint32_t c = 0; c < n; c++) {
        ojph::line_buf* line = cs.pull(got);
        if (got != c || info[4 + 2 * c] != info[1]) return 4;
        std::memcpy(samples + start[c] + (uint64_t)y * info[3 + 2 * c], line->i32, info[3 + 2 * c] * 4);
      }
  }
  cs.close();
  return 0;
}
}
