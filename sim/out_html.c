/* Self-contained HTML pages: JSON data, inlined chart library and page script. */
#include "out_html.h"
#include "out_metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "out_file.h"

/* Embedded at build time by scripts/embed.sh (build/gen/web_assets.c). */
extern const unsigned char web_d3[], web_plot[], web_pages_js[], web_pages_css[];
extern const size_t web_d3_len, web_plot_len, web_pages_js_len, web_pages_css_len;

int out_page_begin(out_page *pg, const char *kind, const char *title)
{
    memset(pg, 0, sizeof *pg);
    pg->data = open_memstream(&pg->buf, &pg->len);
    if (!pg->data)
        return OUT_ENOMEM;
    fputs("{\"page\": ", pg->data);
    out_json_str(pg->data, kind);
    fputs(", \"title\": ", pg->data);
    out_json_str(pg->data, title);
    return OUT_OK;
}

void out_page_free(out_page *pg)
{
    if (!pg)
        return;
    if (pg->data)
        fclose(pg->data);
    free(pg->buf);
    memset(pg, 0, sizeof *pg);
}

/* Write s[0..n), JSON, with every "<" as "\u003c" (inside a script element): no text of a
 * name can end the element ("</script>") or put the tokenizer in the state where the
 * element's own end tag no longer ends it ("<!--<script>", which once left every page
 * blank). JSON has "<" only inside strings, where the escape reads back the same. */
static void put_script_text(FILE *f, const char *s, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '<') {
            fwrite(s + from, 1, i - from, f);
            fputs("\\u003c", f);
            from = i + 1;
        }
    fwrite(s + from, 1, n - from, f);
}

int out_page_write(out_page *pg, FILE *f)
{
    fputs("}\n", pg->data);
    if (fflush(pg->data) != 0 || ferror(pg->data)) {
        out_page_free(pg);
        return OUT_ENOMEM;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"stepsim\">\n"
          "<link rel=\"icon\" href=\"data:,\">\n"
          "<title>stepsim</title>\n<style>\n", f);
    fwrite(web_pages_css, 1, web_pages_css_len, f);
    fputs("</style>\n</head>\n<body>\n<main id=\"app\"><p class=\"noscript\">This page draws "
          "its charts with JavaScript; the numbers are in the JSON below and in the CSV "
          "files beside it.</p></main>\n<script id=\"stepsim-data\" "
          "type=\"application/json\">\n", f);
    put_script_text(f, pg->buf, pg->len);
    /* The metrics' labels and units: one source (out_metric_label) for pages and terminal. */
    fputs("</script>\n<script id=\"stepsim-labels\" type=\"application/json\">\n", f);
    out_metric_labels_json(f);
    fputs("\n</script>\n<script>\n", f);
    fwrite(web_d3, 1, web_d3_len, f);
    fputs("\n</script>\n<script>\n", f);
    fwrite(web_plot, 1, web_plot_len, f);
    fputs("\n</script>\n<script>\n", f);
    fwrite(web_pages_js, 1, web_pages_js_len, f);
    fputs("\n</script>\n</body>\n</html>\n", f);
    out_page_free(pg);
    return ferror(f) ? OUT_EIO : OUT_OK;
}

int out_page_save(out_page *pg, const char *outdir, const char *name, char *err,
                  size_t errlen)
{
    out_file of = OUT_FILE_INIT;
    int ret = out_file_open(&of, outdir, name, err, errlen);
    if (ret != OUT_OK) {
        out_page_free(pg);
        return ret;
    }
    errno = 0;
    if ((ret = out_page_write(pg, of.f)) != OUT_OK) {
        int e = errno; /* the failed write's cause (stdio keeps it), as the CSVs report */
        char eb[128];
        out_file_abort(&of);
        return out_error(err, errlen, ret, "cannot write '%s/%s': %s", outdir, name,
                         e ? out_errstr(e, eb, sizeof eb) : out_strerror(ret));
    }
    ret = out_file_commit(&of, err, errlen);
    out_file_abort(&of);
    return ret;
}
