/* manifest.json of compare's and the decision tools' sets (see out_manifest.h). */
#include "out_manifest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "out_file.h"
#include "out_sha256.h"

void out_manifest_file_line(FILE *f, const char *name, uint64_t bytes, const char *sha256,
                            int last)
{
    fputs("    {\"name\": ", f);
    out_json_str(f, name);
    fprintf(f, ", \"bytes\": %" PRIu64 ", \"sha256\": \"%s\"}%s\n", bytes, sha256,
            last ? "" : ",");
}

void out_manifest_argv(FILE *f, int argc, char *const *argv)
{
    for (int k = 0; argv && k < argc; k++) {
        fputs(k ? ", " : "", f);
        out_json_str(f, argv[k]);
    }
}

int out_write_set_manifest(const char *dir, const out_set_info *in, const char *const *files,
                           size_t n, char *err, size_t errlen)
{
    out_file f = OUT_FILE_INIT;
    int ret = out_file_open(&f, dir, "manifest.json", err, errlen);
    if (ret != OUT_OK)
        return ret;
    char hex[OUT_SHA256_HEX], buf[64];
    time_t now = time(NULL);
    struct tm tm;
    fputs("{\n  \"manifest_version\": 1,\n  \"command\": ", f.f);
    out_json_str(f.f, in->command);
    fputs(",\n  \"created_utc\": ", f.f);
    out_json_str(f.f, gmtime_r(&now, &tm) && strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ",
                                                      &tm) ? buf : NULL);
    fputs(",\n  \"stepsim_version\": ", f.f);
    out_json_str(f.f, in->version);
    fputs(",\n  \"git_hash\": ", f.f);
    out_json_str(f.f, in->git_hash);
    fputs(",\n  \"scenario\": ", f.f);
    out_json_str(f.f, in->scenario);
    fprintf(f.f, ",\n  \"master_seed\": %" PRIu64 ",\n", in->seed);
    if (in->service) { /* a federation's service alone: whose seed -s takes */
        fputs("  \"service\": ", f.f);
        out_json_str(f.f, in->service);
        fprintf(f.f, ",\n  \"federation_seed\": %" PRIu64 ",\n", in->federation_seed);
    }
    fprintf(f.f, "  \"replications\": %zu,\n", in->replications);
    fputs("  \"command_line\": [", f.f);
    out_manifest_argv(f.f, in->argc, in->argv);
    fputs("],\n  \"files\": [\n", f.f);
    for (size_t k = 0; k < n && ret == OUT_OK; k++) {
        char *path = out_path_join(dir, files[k]);
        uint64_t bytes = 0;
        ret = path ? out_sha256_file(path, hex, &bytes, err, errlen)
                   : out_error(err, errlen, OUT_ENOMEM, "out of memory");
        free(path);
        out_manifest_file_line(f.f, files[k], bytes, hex, k + 1 == n);
    }
    fputs("  ]\n}\n", f.f);
    if (ret == OUT_OK)
        ret = out_file_commit(&f, err, errlen);
    out_file_abort(&f);
    return ret;
}
