using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// FULLY_CONNECTED: output[b, o] = activation(sum_d input[b, d] * weights[o, d] + bias[o]).
/// float32; int8 activations with int8 (or packed int4) weights, per-tensor or per-channel; int16 activations with
/// int8 weights and an int64 (or int32) bias. Integer results follow TFLM's reference kernels exactly. The arithmetic is
/// <see cref="MatMulArithmetic"/>'s over the parameters <see cref="MatMulSetup"/> computes.
/// </summary>
internal sealed class FullyConnected : IKernel
{
    private const int InputIndex = 0, WeightsIndex = 1, BiasIndex = 2;

    private MatMulParameters _parameters;
    private TensorType _inputType, _biasType;
    private bool _hasBias, _int4Weights;
    private SimdLevel _level;
    private bool _requantizeVector;
    private Route _route;
    private int _unpackedWeightsScratch = -1, _rowScratch = -1, _sumScratch = -1, _int16RowSumsHandle = -1, _foldedBiasHandle = -1;
    // int8 with several rows: the GEMM core (MatMulArithmetic.Int8Product), its weights arranged once when asked for.
    private int _arrangedHandle = -1;
    private bool _small;

    /// <summary>The activation row and sums of a layer small enough to keep them in the kernel's own stack frame.</summary>
    private unsafe struct SmallLayerBuffers
    {
        public const int RowBytes = 512, SumCount = 256;
        public fixed byte Row[RowBytes];
        public fixed int Sums[SumCount];
    }

    /// <summary>The arithmetic Invoke runs, chosen once in Prepare.</summary>
    private enum Route : byte
    {
        FloatReference,
        Float,
        Int8Reference,
        Int8Dot,
        Int8Gemm,
        Int16Reference,
        Int16,
    }

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 3, 1);
        FullyConnectedOptions options = FullyConnectedOptions.Read(context);
        if (options.WeightsFormat != FullyConnectedOptionsWeightsFormat.Default)
            throw context.Error("the shuffled weights format is not supported (TFLM supports only the default format)");

        Tensor input = context.Input(InputIndex);
        Tensor weights = context.Input(WeightsIndex);
        Tensor? bias = context.OptionalInput(BiasIndex);
        Tensor output = context.Output(0);

        _inputType = input.Type;
        _int4Weights = weights.Type == TensorType.Int4;
        if (output.Type != input.Type)
            throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from input type {TensorTypes.GetName(input.Type)}");
        bool typesOk = input.Type switch
        {
            TensorType.Float32 => weights.Type == TensorType.Float32,
            TensorType.Int8 => weights.Type is TensorType.Int8 or TensorType.Int4,
            TensorType.Int16 => weights.Type == TensorType.Int8,
            _ => throw context.UnsupportedType("input", input.Type),
        };
        if (!typesOk)
            throw context.Error($"input type {TensorTypes.GetName(input.Type)} with weights type {TensorTypes.GetName(weights.Type)} is not supported");

        if (weights.Rank < 2) throw context.Error($"weights must have at least 2 dimensions, got {weights.Rank}");
        if (output.Rank < 1) throw context.Error("output must have at least 1 dimension");
        // An output dimension left at -1 would make the batch count and the row sums negative sizes.
        foreach (int d in output.Shape)
            if (d < 0) throw context.Error($"output shape [{string.Join(",", output.ShapeArray)}] has an unknown dimension");
        int accumDepth = weights.Dim(-1);
        int outputDepth = output.Dim(-1);
        int batches = outputDepth == 0 ? 0 : output.ElementCount / outputDepth;
        if (outputDepth > weights.Dim(-2))
            throw context.Error($"output depth {outputDepth} exceeds the weights' {weights.Dim(-2)} rows");

        _hasBias = bias is not null;
        if (bias is not null)
        {
            _biasType = bias.Type;
            TensorType expectedBias = input.Type switch
            {
                TensorType.Float32 => TensorType.Float32,
                TensorType.Int8 => TensorType.Int32,
                _ => bias.Type == TensorType.Int32 ? TensorType.Int32 : TensorType.Int64,
            };
            if (bias.Type != expectedBias) throw context.UnsupportedType("bias", bias.Type);
        }

        _parameters = MatMulSetup.Create(context, input, weights, bias, output, options.FusedActivationFunction,
            batches, outputDepth, accumDepth, allowPerChannel: true, options.QuantizedBiasType);
        if (_int4Weights)
            _unpackedWeightsScratch = context.RequestScratch(weights.ElementCount);
        PrepareFastPath(context, weights, bias);
    }

    /// <summary>Chooses the fast path (once): the same models are accepted either way, only the arithmetic's route differs.</summary>
    private void PrepareFastPath(PrepareContext context, Tensor weights, Tensor? bias)
    {
        _level = Simd.For(context);
        _route = _inputType switch
        {
            TensorType.Float32 => Route.FloatReference,
            TensorType.Int8 => Route.Int8Reference,
            _ => Route.Int16Reference,
        };
        if (_level == SimdLevel.Reference) return;
        MatMulParameters p = _parameters;
        switch (_inputType)
        {
            case TensorType.Float32:
                _route = Route.Float;
                break;
            case TensorType.Int8:
                _requantizeVector = p.ScalesVectorizable && Int8Requantizer.CanVectorize(_level, [], []);
                _route = PrepareGemm(context, weights) ? Route.Int8Gemm : Route.Int8Dot;
                if (_route == Route.Int8Gemm) break;
                // Where the 8-bit dot products (VNNI, Arm's dot product) are about twice as fast as the 16-bit ones, an input
                // zero point other than -128 keeps the folded bias: 4 bytes per output channel of the persistent part.
                _foldedBiasHandle = -1;
                if (p.InputOffset != 128 && _level is SimdLevel.AvxVnni or SimdLevel.ArmDot && !_int4Weights
                    && weights.IsConstant && weights.AsReadOnlySpan<byte>().Length >= (long)p.OutputDepth * p.AccumDepth
                    && (bias is null || (bias.IsConstant && bias.AsReadOnlySpan<byte>().Length >= (long)p.OutputDepth * sizeof(int))))
                {
                    _foldedBiasHandle = context.AllocatePersistent<int>(MatMulArithmetic.FoldedBias(p, weights.AsReadOnlySpan<sbyte>(),
                        bias is null ? default : bias.AsReadOnlySpan<int>()));
                }
                // Small buffers live on the stack in Invoke, so the arena is no larger than with the reference kernels.
                int rowBytes = MatMulArithmetic.Int8RowBytes(p);
                _small = rowBytes <= SmallLayerBuffers.RowBytes && p.OutputDepth <= SmallLayerBuffers.SumCount;
                _rowScratch = rowBytes > Int8Dot.StackRowBytes ? context.RequestScratch(rowBytes) : -1;
                _sumScratch = p.OutputDepth > Int8Dot.StackSums ? context.RequestScratch(p.OutputDepth * sizeof(int)) : -1;
                break;
            case TensorType.Int16:
                if (Math.Abs((long)p.InputOffset) > MatMulArithmetic.MaxInt16InputOffset
                    || Math.Abs((long)p.WeightsOffset) > MatMulArithmetic.MaxInt16WeightsOffset) return;
                _int16RowSumsHandle = -1;
                if (p.InputOffset != 0)
                {
                    // A non-zero int16 input zero point (rare: TFLM's int16 quantization is symmetric) needs the weight
                    // row sums, kept in the persistent part; weights that are not constant keep the reference.
                    if (!weights.IsConstant || weights.AsReadOnlySpan<byte>().Length < (long)p.OutputDepth * p.AccumDepth) return;
                    _int16RowSumsHandle = context.AllocatePersistent<int>(Int8Dot.RowSums(weights.AsReadOnlySpan<sbyte>(), p.AccumDepth, p.OutputDepth));
                }
                _sumScratch = p.OutputDepth > Int16Dot.StackSums ? context.RequestScratch(2 * p.OutputDepth * sizeof(long)) : -1;
                _route = Route.Int16;
                break;
        }
    }

    /// <summary>
    /// Several int8 rows: the GEMM core, which needs no folded bias, row or sums (its panel is on the stack unless the
    /// weights are arranged once, with <see cref="InterpreterOptions.PrearrangeWeights"/> and constant weights).
    /// </summary>
    private bool PrepareGemm(PrepareContext context, Tensor weights)
    {
        MatMulParameters p = _parameters;
        bool arrangeOnce = context.PrearrangeWeights && weights.IsConstant && MatMulArithmetic.ArrangedBytes(_level, p) <= int.MaxValue
                           && weights.AsReadOnlySpan<byte>().Length >= (_int4Weights ? ((long)p.OutputDepth * p.AccumDepth + 1) / 2 : (long)p.OutputDepth * p.AccumDepth);
        if (!MatMulArithmetic.UsesGemm(_level, p, _requantizeVector, arrangeOnce, MatMulArithmetic.GemmStackBytes)) return false;
        if (arrangeOnce)
        {
            ReadOnlySpan<sbyte> values = weights.AsReadOnlySpan<sbyte>();
            if (_int4Weights)
            {
                var unpacked = new sbyte[weights.ElementCount];
                Int4.Unpack(values, unpacked);
                values = unpacked;
            }
            var arranged = new byte[MatMulArithmetic.ArrangedBytes(_level, p)];
            MatMulArithmetic.ArrangeWeights(_level, p, values, arranged);
            _arrangedHandle = context.AllocatePersistent<byte>(arranged);
        }
        return true;
    }

    // One small method per route: the tensor accessors inline into each, and a node pays only for its own path.
    public void Invoke(InvokeContext context)
    {
        switch (_route)
        {
            case Route.Int8Dot: InvokeInt8Dot(context); break;
            case Route.Float: InvokeFloat(context, fast: true); break;
            case Route.Int8Gemm: InvokeInt8Gemm(context); break;
            case Route.Int8Reference: InvokeInt8Reference(context); break;
            case Route.FloatReference: InvokeFloat(context, fast: false); break;
            default: InvokeInt16(context, fast: _route == Route.Int16); break;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Operands<T, TWeights>(in InvokeContext context, out ReadOnlySpan<T> input, out ReadOnlySpan<TWeights> weights,
        out Span<T> output) where T : unmanaged where TWeights : unmanaged
    {
        input = context.Input<T>(InputIndex);
        weights = context.Input<TWeights>(WeightsIndex);
        output = context.Output<T>(0);
    }

    private void InvokeFloat(in InvokeContext context, bool fast)
    {
        ref readonly MatMulParameters p = ref _parameters;
        Operands(context, out ReadOnlySpan<float> input, out ReadOnlySpan<float> weights, out Span<float> output);
        ReadOnlySpan<float> bias = _hasBias ? context.Input<float>(BiasIndex) : default;
        if (fast) MatMulArithmetic.FastFloat(_level, p, input, weights, bias, output);
        else MatMulArithmetic.ReferenceFloat(p, input, weights, bias, output);
    }

    /// <summary>The int8 operands, packed int4 weights unpacked into the node's scratch (unless arranged once for the GEMM).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Int8Operands(in InvokeContext context, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<sbyte> weights,
        out ReadOnlySpan<int> bias, out Span<sbyte> output)
    {
        Operands(context, out input, out weights, out output);
        bias = _hasBias ? context.Input<int>(BiasIndex) : default;
        if (_int4Weights && _arrangedHandle < 0) weights = UnpackInt4(context, weights);
    }

    private Span<sbyte> UnpackInt4(in InvokeContext context, ReadOnlySpan<sbyte> packed)
    {
        Span<sbyte> unpacked = context.Scratch<sbyte>(_unpackedWeightsScratch);
        Int4.Unpack(packed, unpacked);
        return unpacked;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Int8Requantizer Requantizer(in InvokeContext context)
    {
        ref readonly MatMulParameters p = ref _parameters;
        return p.PerChannel
            ? new Int8Requantizer(p.ChannelScales.Multipliers(context), p.ChannelScales.Shifts(context), p.OutputOffset, p.ActivationMin,
                p.ActivationMax, _requantizeVector)
            : new Int8Requantizer(p.Multiplier, p.Shift, p.OutputOffset, p.ActivationMin, p.ActivationMax, _requantizeVector);
    }

    private void InvokeInt8Reference(in InvokeContext context)
    {
        ref readonly MatMulParameters p = ref _parameters;
        Int8Operands(context, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<sbyte> weights, out ReadOnlySpan<int> bias, out Span<sbyte> output);
        ReadOnlySpan<int> multipliers = p.PerChannel ? p.ChannelScales.Multipliers(context) : default;
        ReadOnlySpan<int> shifts = p.PerChannel ? p.ChannelScales.Shifts(context) : default;
        MatMulArithmetic.ReferenceInt8(p, input, weights, bias, multipliers, shifts, output);
    }

    /// <summary>One activation row (Prepare chose no GEMM): straight to the dot products.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the row and sums are written before they are read
    private unsafe void InvokeInt8Dot(in InvokeContext context)
    {
        Int8Operands(context, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<sbyte> weights, out ReadOnlySpan<int> bias, out Span<sbyte> output);
        scoped Span<byte> row;
        scoped Span<int> sums;
        SmallLayerBuffers small;
        if (_small)
        {
            // In this method's frame: no stack probe, no allocation for the many small layers of small models.
            row = new Span<byte>(small.Row, SmallLayerBuffers.RowBytes);
            sums = new Span<int>(small.Sums, SmallLayerBuffers.SumCount);
        }
        else
        {
            row = _rowScratch < 0 ? stackalloc byte[Int8Dot.StackRowBytes] : context.Scratch<byte>(_rowScratch);
            sums = _sumScratch < 0 ? stackalloc int[Int8Dot.StackSums] : context.Scratch<int>(_sumScratch);
        }
        ReadOnlySpan<int> folded = _foldedBiasHandle >= 0 ? context.Persistent<int>(_foldedBiasHandle) : default;
        MatMulArithmetic.FastInt8(_level, _parameters, input, weights, bias, folded, Requantizer(context), row, sums, output);
    }

    [System.Runtime.CompilerServices.SkipLocalsInit] // the panel is written before it is read
    private void InvokeInt8Gemm(in InvokeContext context)
    {
        Int8Operands(context, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<sbyte> weights, out ReadOnlySpan<int> bias, out Span<sbyte> output);
        ReadOnlySpan<byte> arranged = _arrangedHandle >= 0 ? context.Persistent<byte>(_arrangedHandle) : default;
        Span<byte> panel = arranged.IsEmpty ? stackalloc byte[MatMulArithmetic.GemmStackBytes] : default;
        MatMulArithmetic.Int8Product(_level, _parameters, input, weights, arranged, bias, default, Requantizer(context), panel, default, output);
    }

    [System.Runtime.CompilerServices.SkipLocalsInit] // the sums are written before they are read
    private void InvokeInt16(in InvokeContext context, bool fast)
    {
        ref readonly MatMulParameters p = ref _parameters;
        Operands(context, out ReadOnlySpan<short> input, out ReadOnlySpan<sbyte> weights, out Span<short> output);
        ReadOnlySpan<int> bias32 = _hasBias && _biasType == TensorType.Int32 ? context.Input<int>(BiasIndex) : default;
        ReadOnlySpan<long> bias64 = _hasBias && _biasType == TensorType.Int64 ? context.Input<long>(BiasIndex) : default;
        ReadOnlySpan<int> multipliers = p.PerChannel ? p.ChannelScales.Multipliers(context) : default;
        ReadOnlySpan<int> shifts = p.PerChannel ? p.ChannelScales.Shifts(context) : default;
        if (!fast)
        {
            MatMulArithmetic.ReferenceInt16(p, input, weights, bias32, bias64, multipliers, shifts, output);
            return;
        }
        ReadOnlySpan<int> rowSums = _int16RowSumsHandle >= 0 ? context.Persistent<int>(_int16RowSumsHandle) : default;
        Span<long> sums = _sumScratch < 0 ? stackalloc long[2 * Int16Dot.StackSums] : context.Scratch<long>(_sumScratch);
        MatMulArithmetic.FastInt16(_level, p, input, weights, bias32, bias64, rowSums, multipliers, shifts, sums, output);
    }
}
