namespace TfLiteMicro.Kernels;

/// <summary>
/// The outer rows of a broadcasting walk over the padded 6-D output: each <see cref="MoveNext"/> gives every input's
/// element offset at the start of the next innermost row, advanced like an odometer rather than recomputed. Callers
/// own the innermost loop, so each walk keeps its element operation in registers.
/// </summary>
internal ref struct BroadcastRows
{
    /// <summary>Ints of stack a walk over up to three inputs needs.</summary>
    public const int BufferInts = 6 * BroadcastShape.MaxRank;

    private const int Outer = BroadcastShape.MaxRank - 1;

    private readonly Span<int> _dims;
    private readonly Span<int> _strides;
    private readonly Span<int> _index;
    private readonly Span<int> _offsets;
    private readonly int _inputs;
    private int _rowsLeft;
    private bool _started;

    public BroadcastRows(in BroadcastShape shape, int inputs, Span<int> buffer)
    {
        const int rank = BroadcastShape.MaxRank;
        _inputs = inputs;
        _dims = buffer.Slice(0, rank);
        _strides = buffer.Slice(rank, 3 * rank);
        _index = buffer.Slice(4 * rank, rank);
        _offsets = buffer.Slice(5 * rank, rank);
        shape.FillOutputDims(_dims);
        for (int i = 0; i < inputs; i++) shape.FillStrides(i, _strides.Slice(i * rank, rank));
        _index.Clear();
        _offsets.Clear();
        // The output holds at most int.MaxValue elements (Prepare checked), so the outer row count fits an int.
        int rows = 1;
        for (int d = 0; d < Outer; d++) rows *= _dims[d];
        _rowsLeft = _dims[Outer] == 0 ? 0 : rows;
        _started = false;
    }

    /// <summary>Elements in each innermost row.</summary>
    public readonly int Length => _dims[Outer];

    /// <summary>How far <paramref name="input"/>'s offset moves per element of a row (0 where it repeats).</summary>
    public readonly int Step(int input) => _strides[input * BroadcastShape.MaxRank + Outer];

    /// <summary><paramref name="input"/>'s element offset at the start of the current row.</summary>
    public readonly int Offset(int input) => _offsets[input];

    /// <summary>Moves to the next row; false when every row has been visited.</summary>
    public bool MoveNext()
    {
        if (_rowsLeft == 0) return false;
        _rowsLeft--;
        if (!_started)
        {
            _started = true;
            return true;
        }
        for (int d = Outer - 1; d >= 0; d--)
        {
            bool carry = ++_index[d] == _dims[d];
            if (carry) _index[d] = 0;
            for (int i = 0; i < _inputs; i++)
            {
                int stride = _strides[i * BroadcastShape.MaxRank + d];
                _offsets[i] += carry ? -stride * (_dims[d] - 1) : stride;
            }
            if (!carry) break;
        }
        return true;
    }
}
