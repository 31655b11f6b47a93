using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// BATCH_MATMUL: out[..., i, j] = sum_k x[..., i, k] * y[..., k, j], with either operand optionally transposed in its
/// last two dimensions (adj_x, adj_y) and the leading (batch) dimensions broadcast (ranks 2 to 5).
/// float32, int8 (zero points allowed) and int16 (symmetric), requantized like a fully connected layer. Each batch is one
/// product of <see cref="MatMulParameters"/> (x's rows against y's columns as weight rows) through the arithmetic of
/// FULLY_CONNECTED (<see cref="MatMulArithmetic"/>): an operand whose rows are not contiguous is transposed into scratch
/// first (x when adj_x, y unless adj_y), as TFLM transposes into buffers of its own.
/// </summary>
internal sealed class BatchMatMul : IKernel
{
    private const int MaxRank = 5;

    private TensorType _type;
    private bool _adjX, _adjY;
    private int _rows, _cols, _depth;
    // Batch dimensions of the output (three, after extending to rank 5) and each operand's stride in them (0 when broadcast).
    private readonly int[] _batch = new int[3], _xStride = new int[3], _yStride = new int[3];
    private MatMulParameters _p;
    private SimdLevel _level;
    private bool _requantizeVector;
    private int _xScratch = -1, _yScratch = -1, _rowScratch = -1, _sumScratch = -1;
    // int8 with several rows: the GEMM core; a constant second operand arranged once when asked for (each of its matrices).
    private bool _gemm;
    private int _arrangedHandle = -1, _arrangedMatrixBytes;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        BatchMatMulOptions options = BatchMatMulOptions.Read(context);
        _adjX = options.AdjX;
        _adjY = options.AdjY;
        Tensor x = context.Input(0);
        Tensor y = context.Input(1);
        Tensor output = context.Output(0);
        _type = x.Type;
        if (_type is not (TensorType.Float32 or TensorType.Int8 or TensorType.Int16)) throw context.UnsupportedType("input", _type);
        if (y.Type != _type) throw context.Error($"inputs have different types ({TensorTypes.GetName(_type)}, {TensorTypes.GetName(y.Type)})");
        if (output.Type != _type) throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from input type {TensorTypes.GetName(_type)}");
        if (x.Rank < 2 || x.Rank > MaxRank) throw context.Error($"first input must have rank 2 to 5, has {x.Rank}");
        if (y.Rank < 2 || y.Rank > MaxRank) throw context.Error($"second input must have rank 2 to 5, has {y.Rank}");

        int outRank = Math.Max(x.Rank, y.Rank);
        Span<int> xs = stackalloc int[MaxRank];
        Span<int> ys = stackalloc int[MaxRank];
        Extend(x.Shape, xs);
        Extend(y.Shape, ys);
        int xRows = _adjX ? xs[4] : xs[3];
        int xDepth = _adjX ? xs[3] : xs[4];
        int yDepth = _adjY ? ys[4] : ys[3];
        int yCols = _adjY ? ys[3] : ys[4];
        if (xDepth != yDepth) throw context.Error($"the inner dimensions differ ({xDepth} and {yDepth})");
        _rows = xRows;
        _cols = yCols;
        _depth = xDepth;

        int xMatrix = xs[3] * xs[4], yMatrix = ys[3] * ys[4];
        int xStride = xMatrix, yStride = yMatrix;
        for (int d = 2; d >= 0; d--)
        {
            int a = xs[d], b = ys[d];
            if (a != b && a != 1 && b != 1) throw context.Error($"batch dimensions {a} and {b} cannot be broadcast");
            _batch[d] = Math.Max(a, b);
            if (a == 0 || b == 0) _batch[d] = 0;
            _xStride[d] = a == 1 ? 0 : xStride;
            _yStride[d] = b == 1 ? 0 : yStride;
            xStride *= a;
            yStride *= b;
        }

        var shape = new int[outRank];
        for (int d = 0; d < outRank - 2; d++) shape[d] = _batch[3 - (outRank - 2) + d];
        shape[outRank - 2] = _rows;
        shape[outRank - 1] = _cols;
        if (!output.Shape.SequenceEqual(shape)) context.SetOutputShape(0, shape);

        if (_type == TensorType.Int16 && (x.ZeroPoint != 0 || y.ZeroPoint != 0 || output.ZeroPoint != 0))
            throw context.Error("int16 inputs and output must have zero point 0");
        // One product of the batch: rows of x times columns of y.
        _p = MatMulSetup.Create(context, x, y, null, output, FusedActivation.None, _rows, _cols, _depth, allowPerChannel: false, TensorType.Int64);
        // TFLM's BATCH_MATMUL does not clamp float results.
        if (_type == TensorType.Float32) _p = _p with { FloatMin = float.NegativeInfinity, FloatMax = float.PositiveInfinity };
        if (_adjX) _xScratch = RequestGather(context, _rows, "first");
        if (!_adjY) _yScratch = RequestGather(context, _cols, "second");

        // int16 operands (int16 weights) have no fast path; int8 and float32 take FULLY_CONNECTED's.
        _level = _type == TensorType.Int16 ? SimdLevel.Reference : Simd.For(context);
        if (_level != SimdLevel.Reference && _type == TensorType.Int8)
        {
            _requantizeVector = _p.ScalesVectorizable && Int8Requantizer.CanVectorize(_level, [], []);
            if (PrepareGemm(context, y, ys)) return;
            int rowBytes = MatMulArithmetic.Int8RowBytes(_p);
            if (rowBytes > Int8Dot.StackRowBytes) _rowScratch = context.RequestScratch(rowBytes);
            if (_cols > Int8Dot.StackSums) _sumScratch = context.RequestScratch(_cols * sizeof(int));
        }
    }

    /// <summary>
    /// Several rows: the GEMM core (MatMulArithmetic.Int8Product), its panel on the stack, or with
    /// <see cref="InterpreterOptions.PrearrangeWeights"/> and a constant second operand every matrix of it arranged once.
    /// </summary>
    private bool PrepareGemm(PrepareContext context, Tensor y, ReadOnlySpan<int> ys)
    {
        long matrices = (long)ys[0] * ys[1] * ys[2], ySize = (long)_depth * _cols;
        long matrixBytes = MatMulArithmetic.ArrangedBytes(_level, _p);
        bool arrangeOnce = context.PrearrangeWeights && y.IsConstant && matrices * matrixBytes <= int.MaxValue
                           && matrices * ySize <= y.AsReadOnlySpan<byte>().Length;
        _gemm = MatMulArithmetic.UsesGemm(_level, _p, _requantizeVector, arrangeOnce, MatMulArithmetic.GemmStackBytes);
        if (!_gemm || !arrangeOnce) return _gemm;
        _arrangedMatrixBytes = (int)matrixBytes;
        var arranged = new byte[matrices * matrixBytes];
        var rows = new sbyte[ySize];
        ReadOnlySpan<sbyte> values = y.AsReadOnlySpan<sbyte>();
        for (int m = 0; m < matrices; m++)
        {
            ReadOnlySpan<sbyte> matrix = values.Slice((int)(m * ySize), (int)ySize);
            if (!_adjY) Transpose(matrix, _depth, _cols, rows);
            else matrix.CopyTo(rows);
            MatMulArithmetic.ArrangeWeights(_level, _p, rows, arranged.AsSpan((int)(m * matrixBytes), (int)matrixBytes));
        }
        _arrangedHandle = context.AllocatePersistent<byte>(arranged);
        return true;
    }

    /// <summary>Scratch for one batch's matrix of an operand gathered into <paramref name="rows"/> rows of the depth (none when empty).</summary>
    private int RequestGather(PrepareContext context, int rows, string operand)
    {
        long bytes = (long)rows * _depth * TensorTypes.ElementSize(_type);
        if (bytes > int.MaxValue) throw context.Error($"the {operand} input's matrix of {rows} x {_depth} values is too large");
        return bytes == 0 ? -1 : context.RequestScratch((int)bytes);
    }

    private static void Extend(ReadOnlySpan<int> shape, Span<int> extended)
    {
        int pad = MaxRank - shape.Length;
        for (int i = 0; i < MaxRank; i++) extended[i] = i < pad ? 1 : shape[i - pad];
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: Run<float>(context); break;
            case TensorType.Int8: Run<sbyte>(context); break;
            default: Run<short>(context); break;
        }
    }

    /// <summary>Each batch's product, its operands gathered into rows first where they are stored the other way round.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // rows and sums are written before they are read
    private void Run<T>(InvokeContext context) where T : unmanaged
    {
        ReadOnlySpan<T> x = context.Input<T>(0);
        ReadOnlySpan<T> y = context.Input<T>(1);
        Span<T> output = context.Output<T>(0);
        int xSize = _rows * _depth, ySize = _depth * _cols, outSize = _rows * _cols;
        Span<T> xRows = _xScratch < 0 ? default : context.Scratch<T>(_xScratch).Slice(0, xSize);
        Span<T> yRows = _yScratch < 0 ? default : context.Scratch<T>(_yScratch).Slice(0, ySize);
        scoped Span<byte> row = default;
        scoped Span<int> sums = default;
        ReadOnlySpan<byte> arranged = _arrangedHandle >= 0 ? context.Persistent<byte>(_arrangedHandle) : default;
        if (_gemm)
        {
            if (arranged.IsEmpty) row = stackalloc byte[MatMulArithmetic.GemmStackBytes];
        }
        else if (_level != SimdLevel.Reference && _type == TensorType.Int8)
        {
            row = _rowScratch < 0 ? stackalloc byte[Int8Dot.StackRowBytes] : context.Scratch<byte>(_rowScratch);
            sums = _sumScratch < 0 ? stackalloc int[Int8Dot.StackSums] : context.Scratch<int>(_sumScratch);
        }
        int outIndex = 0, yGathered = -1;
        for (int b0 = 0; b0 < _batch[0]; b0++)
        for (int b1 = 0; b1 < _batch[1]; b1++)
        for (int b2 = 0; b2 < _batch[2]; b2++)
        {
            ReadOnlySpan<T> xm = x.Slice(b0 * _xStride[0] + b1 * _xStride[1] + b2 * _xStride[2], xSize);
            int yStart = b0 * _yStride[0] + b1 * _yStride[1] + b2 * _yStride[2];
            ReadOnlySpan<T> ym = y.Slice(yStart, ySize);
            if (_adjX)
            {
                Transpose(xm, _depth, _rows, xRows);
                xm = xRows;
            }
            ReadOnlySpan<byte> matrixPanels = arranged.IsEmpty ? default : arranged.Slice(yStart / ySize * _arrangedMatrixBytes, _arrangedMatrixBytes);
            if (!_adjY && matrixPanels.IsEmpty)
            {
                // A broadcast y is the same matrix for consecutive batches: gathered once.
                if (yStart != yGathered) Transpose(ym, _depth, _cols, yRows);
                yGathered = yStart;
                ym = yRows;
            }
            Product(context, xm, ym, matrixPanels, output.Slice(outIndex, outSize), row, sums);
            outIndex += outSize;
        }
    }

    /// <summary>destination[c * rows + r] = source[r * columns + c]: a rows x columns matrix stored by columns.</summary>
    private static void Transpose<T>(ReadOnlySpan<T> source, int rows, int columns, Span<T> destination)
    {
        for (int c = 0; c < columns; c++)
            for (int r = 0; r < rows; r++) destination[c * rows + r] = source[r * columns + c];
    }

    /// <summary>One batch: rows of x (rows x depth) against the weight rows of y (cols x depth).</summary>
    private void Product<T>(InvokeContext context, ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<byte> arranged, Span<T> output, Span<byte> row, Span<int> sums)
        where T : unmanaged
    {
        bool fast = _level != SimdLevel.Reference;
        switch (_type)
        {
            case TensorType.Float32:
            {
                ReadOnlySpan<float> xf = MemoryMarshal.Cast<T, float>(x), yf = MemoryMarshal.Cast<T, float>(y);
                Span<float> of = MemoryMarshal.Cast<T, float>(output);
                if (fast) MatMulArithmetic.FastFloat(_level, _p, xf, yf, default, of);
                else MatMulArithmetic.ReferenceFloat(_p, xf, yf, default, of);
                break;
            }
            case TensorType.Int8:
            {
                ReadOnlySpan<sbyte> xb = MemoryMarshal.Cast<T, sbyte>(x), yb = MemoryMarshal.Cast<T, sbyte>(y);
                Span<sbyte> ob = MemoryMarshal.Cast<T, sbyte>(output);
                if (!fast)
                {
                    MatMulArithmetic.ReferenceInt8(_p, xb, yb, default, default, default, ob);
                    break;
                }
                var requantizer = new Int8Requantizer(_p.Multiplier, _p.Shift, _p.OutputOffset, _p.ActivationMin, _p.ActivationMax, _requantizeVector);
                MatMulArithmetic.Int8Product(_level, _p, xb, yb, arranged, default, default, requantizer, row, sums, ob);
                break;
            }
            default:
                MatMulArithmetic.ReferenceInt16x16(_p, MemoryMarshal.Cast<T, short>(x), MemoryMarshal.Cast<T, short>(y), MemoryMarshal.Cast<T, short>(output));
                break;
        }
    }
}
