using System.Diagnostics;

namespace TfLiteMicro.Memory;

/// <summary>
/// Places buffers with known lifetimes starting from TFLM's greedy-by-size plan and keeping the smallest plan found: other
/// placement orders (by lifetime, by first use, by size times lifetime), each laid out lowest-offset-first and
/// smallest-gap-first; every order when at most <see cref="ExhaustiveLimit"/> buffers are free to move; then moves of one
/// buffer to another place in the best order so far, kept when the plan does not grow. The search stops at the lower
/// bound (the most bytes alive at one step, which no placement can go below), after <see cref="EvaluationLimit"/> plans,
/// or when <see cref="TimeLimit"/> has passed. The first plan is greedy's, so the result is never larger.
/// </summary>
/// <remarks>
/// The moves come from a fixed-seed generator, and the first plans (as many as about 256K comparisons of buffers allow) are
/// made whatever the time, so a small graph plans the same on every run; only a larger search cut short by the time limit
/// can end differently.
/// </remarks>
internal sealed class CompactMemoryPlanner : IMemoryPlanner
{
    /// <summary>At most this many buffers free to move: every placement order is tried.</summary>
    public const int ExhaustiveLimit = 6;

    /// <summary>Beyond this many buffers the greedy plan is kept (each evaluation costs the square of the count).</summary>
    public const int SearchLimit = 2048;

    /// <summary>Beyond this many pairs of buffers alive together the greedy plan is kept (the search keeps every pair).</summary>
    public const long ConflictLimit = 1 << 18;

    private readonly List<(int Size, int First, int Last, int Fixed)> _buffers = [];
    private int[] _offsets = [];
    private int _total;
    private bool _planned;

    /// <summary>Plans to evaluate at most, greedy's included.</summary>
    public int EvaluationLimit { get; init; } = 4000;

    /// <summary>Time to search at most (greedy's plan is always made).</summary>
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Adds a buffer alive from step <paramref name="firstUse"/> to step <paramref name="lastUse"/> (inclusive); returns its handle.</summary>
    public int AddBuffer(int size, int firstUse, int lastUse, int fixedOffset = -1)
    {
        if (size < 0) throw new ArgumentOutOfRangeException(nameof(size));
        if (lastUse < firstUse) throw new ArgumentException($"last use {lastUse} is before first use {firstUse}");
        _buffers.Add((GreedyMemoryPlanner.AlignUp(size), firstUse, lastUse, fixedOffset));
        _planned = false;
        return _buffers.Count - 1;
    }

    public int GetOffset(int handle)
    {
        Plan();
        return _offsets[handle];
    }

    public int TotalSize
    {
        get
        {
            Plan();
            return _total;
        }
    }

    /// <summary>Bytes of greedy's plan for the same buffers.</summary>
    public int GreedyBytes
    {
        get
        {
            Plan();
            return _greedyBytes;
        }
    }

    /// <summary>The most bytes alive at one step (and the end of every fixed buffer): no plan is smaller.</summary>
    public int LowerBound
    {
        get
        {
            Plan();
            return _lowerBound;
        }
    }

    /// <summary>Plans evaluated, greedy's included.</summary>
    public int Evaluations
    {
        get
        {
            Plan();
            return _evaluations;
        }
    }

    private int _greedyBytes, _lowerBound, _evaluations, _guaranteedEvaluations;

    /// <summary>The most bytes alive at one step of buffers with these lifetimes, or the end of a fixed buffer if higher.</summary>
    public static long LowerBoundOf(IReadOnlyList<(int Size, int First, int Last, int Fixed)> buffers)
    {
        if (buffers.Count == 0) return 0;
        var events = new List<(int Step, long Delta)>(2 * buffers.Count);
        long bound = 0;
        foreach ((int size, int first, int last, int fixedOffset) in buffers)
        {
            events.Add((first, size));
            events.Add((last + 1, -size));
            if (fixedOffset >= 0) bound = Math.Max(bound, (long)fixedOffset + size);
        }
        // At equal steps the ends (negative) come first: a buffer ending at step s-1 and one starting at s never meet.
        events.Sort((a, b) => a.Step != b.Step ? a.Step.CompareTo(b.Step) : a.Delta.CompareTo(b.Delta));
        long alive = 0;
        foreach ((_, long delta) in events)
        {
            alive += delta;
            bound = Math.Max(bound, alive);
        }
        return bound;
    }

    private void Plan()
    {
        if (_planned) return;
        var clock = Stopwatch.StartNew();
        int n = _buffers.Count;
        var greedy = new GreedyMemoryPlanner();
        foreach ((int size, int first, int last, int fixedOffset) in _buffers) greedy.AddBuffer(size, first, last, fixedOffset);
        _offsets = new int[n];
        for (int i = 0; i < n; i++) _offsets[i] = greedy.GetOffset(i);
        _total = _greedyBytes = greedy.TotalSize;
        _lowerBound = (int)Math.Min(LowerBoundOf(_buffers), int.MaxValue);
        _evaluations = 1;
        _planned = true;
        long pairs = _total > _lowerBound && n <= SearchLimit ? ConflictPairs() : long.MaxValue;
        if (pairs <= ConflictLimit)
        {
            // The first plans are made whatever the clock says (compiling the planner on a first run counts against it), as
            // many as about 256K pairs of buffers compared allow: a small graph then plans the same on every run.
            _guaranteedEvaluations = (int)Math.Min(EvaluationLimit, (1L << 18) / (pairs + n + 1));
            new Search(this, clock).Run();
        }
    }

    /// <summary>Pairs of buffers alive at a common step (counted up to just past <see cref="ConflictLimit"/>).</summary>
    private long ConflictPairs()
    {
        int[] byFirst = SortedByFirstUse();
        long pairs = 0;
        for (int a = 0; a < byFirst.Length && pairs <= ConflictLimit; a++)
            for (int b = a + 1; b < byFirst.Length && _buffers[byFirst[b]].First <= _buffers[byFirst[a]].Last && pairs <= ConflictLimit; b++) pairs++;
        return pairs;
    }

    private int[] SortedByFirstUse()
    {
        var order = new int[_buffers.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => _buffers[a].First != _buffers[b].First ? _buffers[a].First.CompareTo(_buffers[b].First) : a.CompareTo(b));
        return order;
    }

    /// <summary>The search over placement orders; state for one <see cref="Plan"/>.</summary>
    private sealed class Search
    {
        private readonly CompactMemoryPlanner _planner;
        private readonly Stopwatch _clock;
        private readonly int[] _free;
        private readonly int[][] _conflicts;
        private readonly long[] _placed;
        private readonly List<(long Start, long End)> _taken = [];
        private ulong _random = 0x9E3779B97F4A7C15UL;

        public Search(CompactMemoryPlanner planner, Stopwatch clock)
        {
            _planner = planner;
            _clock = clock;
            var buffers = planner._buffers;
            int n = buffers.Count;
            var free = new List<int>();
            for (int i = 0; i < n; i++) if (buffers[i].Fixed < 0) free.Add(i);
            _free = [.. free];
            // For each buffer, the others alive in one of its steps: only they can take bytes it wants.
            var conflicts = new List<int>[n];
            for (int i = 0; i < n; i++) conflicts[i] = [];
            int[] byFirst = planner.SortedByFirstUse();
            for (int a = 0; a < n; a++)
            {
                int i = byFirst[a];
                for (int b = a + 1; b < n && buffers[byFirst[b]].First <= buffers[i].Last; b++)
                {
                    conflicts[i].Add(byFirst[b]);
                    conflicts[byFirst[b]].Add(i);
                }
            }
            _conflicts = new int[n][];
            for (int i = 0; i < n; i++) _conflicts[i] = [.. conflicts[i]];
            _placed = new long[n];
        }

        public void Run()
        {
            var buffers = _planner._buffers;
            int[] best = [.. _free];
            // Orders a planner might pick, each laid out lowest-first and smallest-gap-first.
            Comparison<int>[] orders =
            [
                (a, b) => Compare(buffers[b].Size, buffers[a].Size, a, b),
                (a, b) => Compare(buffers[b].Last - buffers[b].First, buffers[a].Last - buffers[a].First, a, b, buffers[b].Size, buffers[a].Size),
                (a, b) => Compare((long)buffers[b].Size * (buffers[b].Last - buffers[b].First + 1), (long)buffers[a].Size * (buffers[a].Last - buffers[a].First + 1), a, b),
                (a, b) => Compare(buffers[a].First, buffers[b].First, a, b, buffers[b].Size, buffers[a].Size),
                (a, b) => Compare(_conflicts[b].Length, _conflicts[a].Length, a, b, buffers[b].Size, buffers[a].Size),
            ];
            int[] order = [.. _free];
            foreach (Comparison<int> comparison in orders)
            {
                Array.Sort(order, comparison);
                for (int layout = 0; layout < 2; layout++)
                {
                    if (Done) return;
                    Try(order, smallestGap: layout == 1, best);
                }
            }

            if (_free.Length <= ExhaustiveLimit)
            {
                Array.Sort(order);
                Permute(order, 0, best);
                return;
            }

            // Moves of one buffer to another place in the best order, kept when the plan does not grow.
            int[] candidate = [.. best];
            bool bestFit = false;
            while (!Done)
            {
                best.CopyTo(candidate, 0);
                int from = Next(candidate.Length), to = Next(candidate.Length);
                if (from == to) continue;
                int moved = candidate[from];
                if (from < to) Array.Copy(candidate, from + 1, candidate, from, to - from);
                else Array.Copy(candidate, to, candidate, to + 1, from - to);
                candidate[to] = moved;
                if (Next(8) == 0) bestFit = !bestFit;
                long total = Evaluate(candidate, bestFit, _planner._total);
                if (total <= _planner._total)
                {
                    candidate.CopyTo(best, 0);
                    Keep(total);
                }
            }
        }

        private bool Done
            => _planner._total <= _planner._lowerBound || _planner._evaluations >= _planner.EvaluationLimit
               || (_planner._evaluations >= _planner._guaranteedEvaluations && _clock.Elapsed > _planner.TimeLimit);

        private void Try(int[] order, bool smallestGap, int[] best)
        {
            long total = Evaluate(order, smallestGap, _planner._total - 1);
            if (total < _planner._total)
            {
                order.CopyTo(best, 0);
                Keep(total);
            }
        }

        /// <summary>Every order of the free buffers from position <paramref name="k"/> on, laid out lowest-first.</summary>
        private void Permute(int[] order, int k, int[] best)
        {
            if (Done) return;
            if (k == order.Length)
            {
                Try(order, false, best);
                return;
            }
            for (int i = k; i < order.Length; i++)
            {
                (order[k], order[i]) = (order[i], order[k]);
                Permute(order, k + 1, best);
                (order[k], order[i]) = (order[i], order[k]);
            }
        }

        /// <summary>Makes the plan last evaluated (in <see cref="_placed"/>) the planner's.</summary>
        private void Keep(long total)
        {
            foreach (int i in _free) _planner._offsets[i] = (int)_placed[i];
            _planner._total = (int)total;
        }

        /// <summary>
        /// Lays the free buffers out in <paramref name="order"/>, each at the lowest offset where it fits (or in the smallest
        /// gap that holds it); returns the plan's size, or long.MaxValue as soon as it passes <paramref name="limit"/>.
        /// </summary>
        private long Evaluate(int[] order, bool smallestGap, long limit)
        {
            _planner._evaluations++;
            var buffers = _planner._buffers;
            const long Unplaced = -1;
            Array.Fill(_placed, Unplaced);
            long total = 0;
            for (int i = 0; i < buffers.Count; i++)
            {
                if (buffers[i].Fixed < 0) continue;
                _placed[i] = buffers[i].Fixed;
                total = Math.Max(total, (long)buffers[i].Fixed + buffers[i].Size);
            }
            foreach (int b in order)
            {
                _taken.Clear();
                foreach (int other in _conflicts[b])
                    if (_placed[other] != Unplaced) _taken.Add((_placed[other], _placed[other] + buffers[other].Size));
                _taken.Sort((x, y) => x.Start.CompareTo(y.Start));
                long size = buffers[b].Size, offset = -1, gapStart = 0, bestGap = long.MaxValue;
                foreach ((long start, long end) in _taken)
                {
                    long gap = start - gapStart;
                    if (gap >= size)
                    {
                        if (!smallestGap)
                        {
                            offset = gapStart;
                            break;
                        }
                        if (gap < bestGap) (bestGap, offset) = (gap, gapStart);
                    }
                    gapStart = Math.Max(gapStart, end);
                }
                if (offset < 0) offset = gapStart;
                _placed[b] = offset;
                total = Math.Max(total, offset + size);
                if (total > limit) return long.MaxValue;
            }
            return total;
        }

        private int Next(int bound)
        {
            // xorshift64*: a fixed sequence whatever the runtime.
            _random ^= _random >> 12;
            _random ^= _random << 25;
            _random ^= _random >> 27;
            return (int)((_random * 0x2545F4914F6CDD1DUL >> 33) % (ulong)bound);
        }

        private static int Compare(long first, long second, int a, int b, long thenFirst = 0, long thenSecond = 0)
            => first != second ? first.CompareTo(second) : thenFirst != thenSecond ? thenFirst.CompareTo(thenSecond) : a.CompareTo(b);
    }
}
