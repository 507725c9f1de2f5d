#ifndef STARLING_VIPS_SHIM_H
#define STARLING_VIPS_SHIM_H

#include <stddef.h>

/// One processed image: every buffer is owned by the result (free with starling_vips_result_free).
typedef struct {
    unsigned char *original;      /* re-encoded, metadata stripped, oriented, capped */
    size_t original_len;
    int original_png;             /* 1: PNG (the image has alpha), 0: JPEG */
    int width, height;
    unsigned char *preview;       /* JPEG, at most preview_size on its long side */
    size_t preview_len;
    int preview_width, preview_height;
    unsigned char *small_rgb;     /* 8-bit sRGB pixels, 3 bands, for the blurhash */
    int small_width, small_height;
    char error[256];
} starling_vips_result;

/// Starts libvips once per process (single-threaded per operation, no operation cache). 0 on success.
int starling_vips_init(void);

/// Reads only the header: dimensions and the loader's name. 0 on success, -1 if libvips cannot read it.
int starling_vips_header(const void *buffer, size_t length, int *width, int *height, char *loader, size_t loader_len);

/// Decodes (failing on truncated input), applies the EXIF orientation, converts to sRGB, scales
/// down to at most max_pixels, strips every metadata block, and encodes the original, a preview and
/// the blurhash pixels. 0 on success; otherwise -1 with out->error set and nothing allocated.
int starling_vips_process(const void *buffer, size_t length, long long max_pixels, int preview_size,
                          starling_vips_result *out);

void starling_vips_result_free(starling_vips_result *result);

#endif
