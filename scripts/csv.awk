# A CSV reader for awk (POSIX awk and mawk have none), shared by scripts/report and the
# shell tests: csv(line, f) splits line into f[1..n] and returns n; fields may be "quoted",
# with "" for a quote (scenario names, which may hold commas, are). header(line) reads a
# header; col(name) is then the index of that column, so readers do not depend on the
# column order (an unknown name is an error: exit 3).
function csv(s, f,    n, p, v, q) {
    # Most lines quote nothing: split them at once (split empties f first).
    if (s != "" && index(s, "\"") == 0)
        return split(s, f, ",")
    n = 0
    for (;;) {
        if (substr(s, 1, 1) == "\"") {
            v = ""
            s = substr(s, 2)
            for (;;) {
                q = index(s, "\"")
                if (q == 0) { v = v s; s = ""; break }
                v = v substr(s, 1, q - 1)
                s = substr(s, q + 1)
                if (substr(s, 1, 1) == "\"") { v = v "\""; s = substr(s, 2) } else break
            }
            f[++n] = v
            if (s == "") return n
            s = substr(s, 2)
        } else {
            p = index(s, ",")
            if (p == 0) { f[++n] = s; return n }
            f[++n] = substr(s, 1, p - 1)
            s = substr(s, p + 1)
        }
    }
}
function header(line,    h, i, n) {
    n = csv(line, h)
    for (i = 1; i <= n; i++) colix[h[i]] = i
}
function col(name) {
    if (!(name in colix)) { print "no column " name > "/dev/stderr"; exit 3 }
    return colix[name]
}
