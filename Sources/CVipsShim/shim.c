// libvips' API is variadic (NULL-terminated option lists), which Swift cannot call: the few calls
// Starling needs live here as plain functions.
#include "CVipsShim.h"
#include <vips/vips.h>
#include <string.h>
#include <math.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_status = -1;

static void init_once(void) {
    init_status = VIPS_INIT("starling");
    if (init_status == 0) {
        // The caller's pool caps concurrency; one thread per operation keeps that cap honest.
        vips_concurrency_set(1);
        // No operation cache: every upload is different and the cache would only hold memory.
        vips_cache_set_max(0);
        vips_cache_set_max_mem(0);
        // Refuse the loaders libvips marks untrusted (ImageMagick, PDF, SVG, matrix files …).
        vips_block_untrusted_set(TRUE);
    }
}

int starling_vips_init(void) {
    pthread_once(&once, init_once);
    return init_status;
}

static void set_error(starling_vips_result *out) {
    const char *message = vips_error_buffer();
    snprintf(out->error, sizeof(out->error), "%s", message && *message ? message : "unknown libvips error");
    vips_error_clear();
}

int starling_vips_header(const void *buffer, size_t length, int *width, int *height, char *loader, size_t loader_len) {
    if (starling_vips_init() != 0) return -1;
    const char *name = vips_foreign_find_load_buffer(buffer, length);
    if (!name) { vips_error_clear(); return -1; }
    VipsImage *image = vips_image_new_from_buffer(buffer, length, "", "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!image) { vips_error_clear(); return -1; }
    *width = vips_image_get_width(image);
    *height = vips_image_get_height(image);
    if (loader && loader_len > 0) snprintf(loader, loader_len, "%s", name);
    g_object_unref(image);
    return 0;
}

int starling_vips_process(const void *buffer, size_t length, long long max_pixels, int preview_size,
                          starling_vips_result *out) {
    memset(out, 0, sizeof(*out));
    if (starling_vips_init() != 0) { snprintf(out->error, sizeof(out->error), "libvips did not start"); return -1; }
    VipsObject *scope = VIPS_OBJECT(vips_image_new());  // owns every intermediate image
    VipsImage **t = (VipsImage **) vips_object_local_array(scope, 12);
    void *original = NULL, *preview = NULL, *small = NULL;
    size_t original_len = 0, preview_len = 0, small_len = 0;
    int ok = 0;

    // Random access: autorotation and the several outputs read the pixels more than once.
    t[0] = vips_image_new_from_buffer(buffer, length, "", "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
    if (!t[0]) goto done;
    long long pixels = (long long) vips_image_get_width(t[0]) * vips_image_get_height(t[0]);
    if (pixels <= 0) { vips_error("starling", "empty image"); goto done; }
    // Decode everything now, so a truncated or corrupt file fails here and not half-way through a save.
    if (vips_image_wio_input(t[0])) goto done;
    if (vips_autorot(t[0], &t[1], NULL)) goto done;
    if (vips_colourspace(t[1], &t[2], VIPS_INTERPRETATION_sRGB, NULL)) goto done;
    if (vips_cast_uchar(t[2], &t[3], NULL)) goto done;
    VipsImage *capped = t[3];
    if (pixels > max_pixels) {
        double scale = sqrt((double) max_pixels / (double) pixels);
        if (vips_resize(t[3], &t[4], scale, NULL)) goto done;
        capped = t[4];
    }
    int has_alpha = vips_image_hasalpha(capped);
    if (has_alpha) {
        if (vips_pngsave_buffer(capped, &original, &original_len, "strip", TRUE, "compression", 6, NULL)) goto done;
        if (vips_flatten(capped, &t[5], "background", vips_array_double_newv(1, 255.0), NULL)) goto done;
    } else {
        if (vips_jpegsave_buffer(capped, &original, &original_len, "strip", TRUE, "Q", 85, "optimize_coding", TRUE, NULL)) goto done;
        if (vips_copy(capped, &t[5], NULL)) goto done;
    }
    // t[5]: opaque sRGB, the source of the preview and the blurhash pixels.
    if (vips_thumbnail_image(t[5], &t[6], preview_size, "height", preview_size, "size", VIPS_SIZE_DOWN, NULL)) goto done;
    if (vips_jpegsave_buffer(t[6], &preview, &preview_len, "strip", TRUE, "Q", 80, NULL)) goto done;
    if (vips_thumbnail_image(t[5], &t[7], 32, "height", 32, NULL)) goto done;
    if (vips_extract_band(t[7], &t[8], 0, "n", 3, NULL)) goto done;
    small = vips_image_write_to_memory(t[8], &small_len);
    if (!small) goto done;

    out->original = original; out->original_len = original_len; out->original_png = has_alpha;
    out->width = vips_image_get_width(capped); out->height = vips_image_get_height(capped);
    out->preview = preview; out->preview_len = preview_len;
    out->preview_width = vips_image_get_width(t[6]); out->preview_height = vips_image_get_height(t[6]);
    out->small_rgb = small; out->small_width = vips_image_get_width(t[8]); out->small_height = vips_image_get_height(t[8]);
    original = preview = small = NULL;
    ok = 1;
done:
    if (!ok) {
        set_error(out);
        g_free(original); g_free(preview); g_free(small);
    }
    g_object_unref(scope);
    return ok ? 0 : -1;
}

void starling_vips_result_free(starling_vips_result *result) {
    g_free(result->original); g_free(result->preview); g_free(result->small_rgb);
    result->original = result->preview = result->small_rgb = NULL;
}
