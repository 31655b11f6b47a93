namespace TfLiteMicro.Modeling.Compression;

/// <summary>
/// One-dimensional k-means, solved exactly: for sorted values the best clusters are contiguous runs, so dynamic
/// programming over the runs (with the divide-and-conquer speed-up, the best split point moving right as the run end
/// does) finds the partition with the least weighted squared error. Values with many distinct levels (float weights)
/// are first gathered into at most <see cref="MaxLevels"/> equal-width bins, each standing for its members' mean.
/// </summary>
internal static class ValueClustering
{
    /// <summary>Distinct levels the exact search runs over at most.</summary>
    public const int MaxLevels = 4096;

    /// <summary>
    /// At most <paramref name="k"/> centroids for <paramref name="values"/> (any order, repeats allowed): the cluster means,
    /// ascending. With <paramref name="k"/> or fewer distinct values, the distinct values themselves.
    /// </summary>
    public static double[] Centroids(ReadOnlySpan<double> values, int k)
    {
        if (values.Length == 0) return [];
        double[] sorted = values.ToArray();
        Array.Sort(sorted);
        var levels = new List<double>();
        var weights = new List<double>();
        foreach (double v in sorted)
        {
            if (levels.Count > 0 && levels[^1] == v) weights[^1]++;
            else
            {
                levels.Add(v);
                weights.Add(1);
            }
        }
        if (levels.Count <= k) return [.. levels];

        // Sums per level: weight, weight x value (values centred on the mean, so the squared sums do not lose precision).
        double centre = 0;
        foreach (double v in sorted) centre += v / sorted.Length;
        (double[] w, double[] wx, double[] wxx) = levels.Count > MaxLevels ? Binned(sorted, centre) : Levels(levels, weights, centre);
        int n = w.Length;
        k = Math.Min(k, n);

        var W = new double[n + 1];
        var S = new double[n + 1];
        var Q = new double[n + 1];
        for (int i = 0; i < n; i++)
        {
            W[i + 1] = W[i] + w[i];
            S[i + 1] = S[i] + wx[i];
            Q[i + 1] = Q[i] + wxx[i];
        }
        // Squared error of the run of levels [from, to).
        double Cost(int from, int to)
        {
            double weight = W[to] - W[from];
            if (weight <= 0) return 0;
            double sum = S[to] - S[from];
            return Math.Max(0, Q[to] - Q[from] - sum * sum / weight);
        }

        var previous = new double[n + 1];
        var current = new double[n + 1];
        var splits = new int[k + 1][];
        for (int j = 0; j <= n; j++) previous[j] = Cost(0, j);
        splits[1] = new int[n + 1];
        for (int m = 2; m <= k; m++)
        {
            int[] split = splits[m] = new int[n + 1];
            Array.Fill(current, double.PositiveInfinity);
            double[] before = previous;
            // current[j]: the best error of the first j levels in m clusters, the last cluster starting at split[j].
            void Solve(int lo, int hi, int bestLo, int bestHi)
            {
                if (lo > hi) return;
                int mid = (lo + hi) / 2;
                double best = double.PositiveInfinity;
                int bestAt = Math.Max(bestLo, m - 1);
                for (int i = Math.Max(bestLo, m - 1); i <= Math.Min(mid - 1, bestHi); i++)
                {
                    double cost = before[i] + Cost(i, mid);
                    if (cost < best)
                    {
                        best = cost;
                        bestAt = i;
                    }
                }
                current[mid] = best;
                split[mid] = bestAt;
                Solve(lo, mid - 1, bestLo, bestAt);
                Solve(mid + 1, hi, bestAt, bestHi);
            }
            Solve(m, n, m - 1, n - 1);
            (previous, current) = (current, previous);
        }

        // Walk back through the splits; each cluster's centroid is its mean.
        var centroids = new double[k];
        int end = n;
        for (int m = k; m >= 1; m--)
        {
            int start = m == 1 ? 0 : splits[m][end];
            double weight = W[end] - W[start];
            centroids[m - 1] = centre + (S[end] - S[start]) / weight;
            end = start;
        }
        return centroids;
    }

    private static (double[] W, double[] WX, double[] WXX) Levels(List<double> levels, List<double> weights, double centre)
    {
        int n = levels.Count;
        var w = new double[n];
        var wx = new double[n];
        var wxx = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = levels[i] - centre;
            w[i] = weights[i];
            wx[i] = weights[i] * x;
            wxx[i] = weights[i] * x * x;
        }
        return (w, wx, wxx);
    }

    /// <summary>Equal-width bins over the sorted values, empty bins dropped; each keeps its members' exact sums.</summary>
    private static (double[] W, double[] WX, double[] WXX) Binned(double[] sorted, double centre)
    {
        double lo = sorted[0], hi = sorted[^1];
        var w = new double[MaxLevels];
        var wx = new double[MaxLevels];
        var wxx = new double[MaxLevels];
        foreach (double v in sorted)
        {
            int bin = (int)Math.Min(MaxLevels - 1, (v - lo) / (hi - lo) * MaxLevels);
            double x = v - centre;
            w[bin]++;
            wx[bin] += x;
            wxx[bin] += x * x;
        }
        var keep = Enumerable.Range(0, MaxLevels).Where(b => w[b] > 0).ToArray();
        return ([.. keep.Select(b => w[b])], [.. keep.Select(b => wx[b])], [.. keep.Select(b => wxx[b])]);
    }

    /// <summary>The index of the centroid nearest to <paramref name="value"/> (the lower one on a tie); centroids ascend.</summary>
    public static int Nearest(ReadOnlySpan<double> centroids, double value)
    {
        int lo = 0, hi = centroids.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (centroids[mid + 1] <= value) lo = mid + 1;
            else hi = mid;
        }
        // lo is the last centroid at or below value (or 0); the next one may be nearer.
        return lo + 1 < centroids.Length && centroids[lo + 1] - value < value - centroids[lo] ? lo + 1 : lo;
    }
}
