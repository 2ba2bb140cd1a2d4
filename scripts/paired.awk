# The paired difference of one metric between two replications.csv files (the second minus
# the first, replication by replication: common random numbers), with its Student-t 95%
# interval. Shared by scripts/practices.sh and tests/test_gaming.sh; needs scripts/csv.awk
# before it. Variables: m, the metric; m2 (default m), the second file's metric, to pair two
# figures of the same replications; scale (default 1), a factor on every difference.
# Prints "mean low high", or "nan nan nan" with fewer than two pairs.
FNR == 1 { header($0); file++; next }
{ csv($0, f) }
f[col("metric")] == (file == 2 && m2 != "" ? m2 : m) && f[col("value")] != "" {
    if (file == 1) a[f[col("replication")]] = f[col("value")]
    else b[f[col("replication")]] = f[col("value")]
}
END {
    if (scale == "") scale = 1
    for (r in a) if (r in b) { d = scale * (b[r] - a[r]); k++; s += d; ss += d * d }
    if (k < 2) { print "nan nan nan"; exit }
    mean = s / k; v = (ss - k * mean * mean) / (k - 1); if (v < 0) v = 0
    # Student-t 0.975 quantiles, 1 to 30 degrees of freedom, then the normal's.
    split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228 2.201 2.179 2.160 " \
          "2.145 2.131 2.120 2.110 2.101 2.093 2.086 2.080 2.074 2.069 2.064 2.060 2.056 " \
          "2.052 2.048 2.045 2.042", t, " ")
    q = k - 1 <= 30 ? t[k - 1] : 1.96
    h = q * sqrt(v / k)
    printf "%.6g %.6g %.6g\n", mean, mean - h, mean + h
}
