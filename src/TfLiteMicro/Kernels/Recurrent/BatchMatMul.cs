using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// BATCH_MATMUL: out[..., i, j] = sum_k x[..., i, k] * y[..., k, j], with either operand optionally transposed in its
/// last two dimensions (adj_x, adj_y) and the leading (batch) dimensions broadcast (ranks 2 to 5).
/// float32, int8 (zero points allowed) and int16 (symmetric), requantized like a fully connected layer.
/// </summary>
internal sealed class BatchMatMul : IKernel
{
    private const int MaxRank = 5;

    private TensorType _type;
    private bool _adjX, _adjY;
    private int _rows, _cols, _depth;
    // Batch dimensions of the output (three, after extending to rank 5) and each operand's stride in them (0 when broadcast).
    private readonly int[] _batch = new int[3], _xStride = new int[3], _yStride = new int[3];
    private int _xOffset, _yOffset, _outputOffset, _multiplier, _shift, _min, _max;

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

        if (_type != TensorType.Float32)
        {
            if (_type == TensorType.Int16 && (x.ZeroPoint != 0 || y.ZeroPoint != 0 || output.ZeroPoint != 0))
                throw context.Error("int16 inputs and output must have zero point 0");
            // One product of the batch: rows of x times columns of y.
            MatMulParameters p = MatMulSetup.Create(context, x, y, null, output, FusedActivation.None, _rows, _cols, _depth,
                allowPerChannel: false, TensorType.Int64);
            (_xOffset, _yOffset, _outputOffset) = (p.InputOffset, p.WeightsOffset, p.OutputOffset);
            (_multiplier, _shift, _min, _max) = (p.Multiplier, p.Shift, p.ActivationMin, p.ActivationMax);
        }
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
            case TensorType.Float32: InvokeFloat(context); break;
            case TensorType.Int8: InvokeInt8(context); break;
            default: InvokeInt16(context); break;
        }
    }

    // Element (i, k) of x's matrix and (k, j) of y's, whichever way round each is stored.
    private int XIndex(int i, int k) => _adjX ? k * _rows + i : i * _depth + k;
    private int YIndex(int k, int j) => _adjY ? j * _depth + k : k * _cols + j;

    private void InvokeFloat(InvokeContext context)
    {
        ReadOnlySpan<float> x = context.Input<float>(0);
        ReadOnlySpan<float> y = context.Input<float>(1);
        Span<float> output = context.Output<float>(0);
        int outIndex = 0;
        for (int b0 = 0; b0 < _batch[0]; b0++)
        for (int b1 = 0; b1 < _batch[1]; b1++)
        for (int b2 = 0; b2 < _batch[2]; b2++)
        {
            ReadOnlySpan<float> xm = x.Slice(b0 * _xStride[0] + b1 * _xStride[1] + b2 * _xStride[2], _rows * _depth);
            ReadOnlySpan<float> ym = y.Slice(b0 * _yStride[0] + b1 * _yStride[1] + b2 * _yStride[2], _depth * _cols);
            for (int i = 0; i < _rows; i++)
            {
                for (int j = 0; j < _cols; j++)
                {
                    float total = 0f;
                    for (int k = 0; k < _depth; k++) total += xm[XIndex(i, k)] * ym[YIndex(k, j)];
                    output[outIndex + i * _cols + j] = total;
                }
            }
            outIndex += _rows * _cols;
        }
    }

    private void InvokeInt8(InvokeContext context)
    {
        ReadOnlySpan<sbyte> x = context.Input<sbyte>(0);
        ReadOnlySpan<sbyte> y = context.Input<sbyte>(1);
        Span<sbyte> output = context.Output<sbyte>(0);
        int outIndex = 0;
        for (int b0 = 0; b0 < _batch[0]; b0++)
        for (int b1 = 0; b1 < _batch[1]; b1++)
        for (int b2 = 0; b2 < _batch[2]; b2++)
        {
            ReadOnlySpan<sbyte> xm = x.Slice(b0 * _xStride[0] + b1 * _xStride[1] + b2 * _xStride[2], _rows * _depth);
            ReadOnlySpan<sbyte> ym = y.Slice(b0 * _yStride[0] + b1 * _yStride[1] + b2 * _yStride[2], _depth * _cols);
            for (int i = 0; i < _rows; i++)
            {
                for (int j = 0; j < _cols; j++)
                {
                    int total = 0;
                    for (int k = 0; k < _depth; k++)
                        total = unchecked(total + (xm[XIndex(i, k)] + _xOffset) * (ym[YIndex(k, j)] + _yOffset));
                    int scaled = FixedPoint.MultiplyByQuantizedMultiplier(total, _multiplier, _shift) + _outputOffset;
                    output[outIndex + i * _cols + j] = (sbyte)Math.Clamp(scaled, _min, _max);
                }
            }
            outIndex += _rows * _cols;
        }
    }

    private void InvokeInt16(InvokeContext context)
    {
        ReadOnlySpan<short> x = context.Input<short>(0);
        ReadOnlySpan<short> y = context.Input<short>(1);
        Span<short> output = context.Output<short>(0);
        int outIndex = 0;
        for (int b0 = 0; b0 < _batch[0]; b0++)
        for (int b1 = 0; b1 < _batch[1]; b1++)
        for (int b2 = 0; b2 < _batch[2]; b2++)
        {
            ReadOnlySpan<short> xm = x.Slice(b0 * _xStride[0] + b1 * _xStride[1] + b2 * _xStride[2], _rows * _depth);
            ReadOnlySpan<short> ym = y.Slice(b0 * _yStride[0] + b1 * _yStride[1] + b2 * _yStride[2], _depth * _cols);
            for (int i = 0; i < _rows; i++)
            {
                for (int j = 0; j < _cols; j++)
                {
                    long total = 0;
                    for (int k = 0; k < _depth; k++)
                        total += (long)(xm[XIndex(i, k)] + _xOffset) * (ym[YIndex(k, j)] + _yOffset);
                    int scaled = FixedPoint.MultiplyByQuantizedMultiplier(total, _multiplier, _shift) + _outputOffset;
                    output[outIndex + i * _cols + j] = (short)Math.Clamp(scaled, _min, _max);
                }
            }
            outIndex += _rows * _cols;
        }
    }
}
