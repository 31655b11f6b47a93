using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// SVDF: a rank-decomposed fully connected layer over a sliding window of time. Each call shifts the variable
/// state (batch x filters x memory) one step left, writes the new feature projections into the last slot, then
/// weights the window in time, sums each unit's rank filters, adds the bias and applies the activation.
/// float32, or int8 input and feature weights with int16 or int8 state and time weights.
/// </summary>
internal sealed class Svdf : IKernel
{
    private const int InputIndex = 0, FeatureWeightsIndex = 1, TimeWeightsIndex = 2, BiasIndex = 3, StateIndex = 4;

    private int _rank, _batches, _inputSize, _filters, _units, _memory;
    private FusedActivation _activation;
    private TensorType _stateType;
    private bool _float, _hasBias;
    private int _scratch, _scratchOutput;
    private int _inputZeroPoint, _outputZeroPoint, _stateZeroPoint;
    private int _scale1Multiplier, _scale1Shift, _scale2Multiplier, _scale2Shift;
    private SimdLevel _level;
    private int _rowScratch = -1;
    // Whether the feature requantization and the time products run in vectors (chosen once, in Prepare).
    private bool _vectorFeatures, _vectorTime;
    private bool _vectorOutput;
    // Whether the feature products of all batch rows run through the GEMM core (MatMulArithmetic.Int8Sums), and its
    // panels when arranged once into the persistent arena (else -1).
    private bool _gemmFeatures;
    private MatMulParameters _features;
    private int _arrangedHandle = -1;

    /// <summary>Filters whose 64-bit feature sums the fast path keeps on the stack at once.</summary>
    private const int FeatureSumsChunk = 256;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(5, 5, 1);
        SVDFOptions options = SVDFOptions.Read(context);
        _rank = options.Rank;
        _activation = options.FusedActivationFunction;
        if (_rank <= 0) throw context.Error($"rank must be positive, got {_rank}");

        Tensor input = context.Input(InputIndex);
        Tensor featureWeights = context.Input(FeatureWeightsIndex);
        Tensor timeWeights = context.Input(TimeWeightsIndex);
        Tensor? bias = context.OptionalInput(BiasIndex);
        Tensor state = context.Input(StateIndex);
        Tensor output = context.Output(0);

        if (input.Rank != 2) throw context.Error($"input must have rank 2, has {input.Rank}");
        if (featureWeights.Rank != 2) throw context.Error($"feature weights must have rank 2, has {featureWeights.Rank}");
        if (timeWeights.Rank != 2) throw context.Error($"time weights must have rank 2, has {timeWeights.Rank}");
        _batches = input.Dim(0);
        _inputSize = input.Dim(1);
        _filters = featureWeights.Dim(0);
        if (_filters % _rank != 0) throw context.Error($"{_filters} filters are not a multiple of rank {_rank}");
        _units = _filters / _rank;
        _memory = timeWeights.Dim(1);
        if (featureWeights.Dim(1) != _inputSize) throw context.Error($"feature weights have {featureWeights.Dim(1)} columns, input has {_inputSize}");
        if (timeWeights.Dim(0) != _filters) throw context.Error($"time weights have {timeWeights.Dim(0)} rows, expected {_filters} filters");
        if (_memory <= 0) throw context.Error("time weights have no memory columns");
        if (output.Rank != 2 || output.Dim(0) != _batches || output.Dim(1) != _units)
            throw context.Error($"output must be [{_batches}, {_units}], is [{string.Join(",", output.ShapeArray)}]");
        _hasBias = bias is not null;
        if (bias is not null && (bias.Rank < 1 || bias.Dim(0) != _units || bias.ElementCount != _units))
            throw context.Error($"bias must hold {_units} values");
        if (state.Rank != 2 || state.Dim(0) != _batches || state.Dim(1) != _memory * _filters)
            throw context.Error($"state must be [{_batches}, {_memory * _filters}], is [{string.Join(",", state.ShapeArray)}]");
        if (!state.IsVariable) throw context.Error("the state input must be a variable tensor");

        if (input.Type == TensorType.Float32)
        {
            _float = true;
            if (featureWeights.Type != TensorType.Float32) throw context.UnsupportedType("feature weights", featureWeights.Type);
            if (timeWeights.Type != TensorType.Float32) throw context.UnsupportedType("time weights", timeWeights.Type);
            if (state.Type != TensorType.Float32) throw context.UnsupportedType("state", state.Type);
            if (bias is not null && bias.Type != TensorType.Float32) throw context.UnsupportedType("bias", bias.Type);
            if (output.Type != TensorType.Float32) throw context.UnsupportedType("output", output.Type);
            if (_activation is not (FusedActivation.None or FusedActivation.Relu or FusedActivation.ReluN1To1 or FusedActivation.Relu6 or FusedActivation.Tanh or FusedActivation.SignBit))
                throw context.Error($"unknown fused activation {(int)_activation}");
            _scratch = context.RequestScratch(checked(_batches * _filters * sizeof(float)));
            return;
        }
        if (input.Type != TensorType.Int8) throw context.UnsupportedType("input", input.Type);
        if (featureWeights.Type != TensorType.Int8) throw context.UnsupportedType("feature weights", featureWeights.Type);
        if (timeWeights.Type is not (TensorType.Int16 or TensorType.Int8)) throw context.UnsupportedType("time weights", timeWeights.Type);
        if (state.Type != timeWeights.Type) throw context.Error($"state type {TensorTypes.GetName(state.Type)} must match time weights type {TensorTypes.GetName(timeWeights.Type)}");
        if (bias is not null && bias.Type != TensorType.Int32) throw context.UnsupportedType("bias", bias.Type);
        if (output.Type != TensorType.Int8) throw context.UnsupportedType("output", output.Type);
        _stateType = state.Type;

        double scale1 = (double)(input.Scale * featureWeights.Scale / state.Scale);
        double scale2 = (double)(state.Scale * timeWeights.Scale / output.Scale);
        if (bias is not null && Math.Abs((double)bias.Scale - (double)(state.Scale * timeWeights.Scale)) >= 1e-5)
            throw context.Error("bias scale must equal state scale times time-weights scale");
        (_scale1Multiplier, _scale1Shift) = FixedPoint.QuantizeMultiplier(scale1);
        (_scale2Multiplier, _scale2Shift) = FixedPoint.QuantizeMultiplier(scale2);
        _inputZeroPoint = input.ZeroPoint;
        _outputZeroPoint = output.ZeroPoint;
        _stateZeroPoint = state.ZeroPoint;
        _scratch = context.RequestScratch(checked(_batches * _filters * sizeof(int)));
        _scratchOutput = context.RequestScratch(checked(_batches * _units * sizeof(int)));
        // The feature products are FULLY_CONNECTED's int8 products: (x - input zero point) as 16-bit values
        // (|x - zero point| <= 255) through Int16Dot, whose exact sums truncated to 32 bits equal the reference's wrapping ones.
        _level = Simd.For(context);
        if (_level != SimdLevel.Reference && _inputSize > Int16Dot.StackRowValues)
            _rowScratch = context.RequestScratch(checked(_inputSize * sizeof(short)));
        _vectorFeatures = SvdfArithmetic.CanVectorize(_level, _scale1Multiplier, _scale1Shift);
        _vectorTime = _vectorFeatures && (_stateType == TensorType.Int16 ? _stateZeroPoint == 0 : _stateZeroPoint is >= sbyte.MinValue and <= sbyte.MaxValue);
        _vectorOutput = Int8Requantizer.CanVectorize(_level, [_scale2Multiplier], [_scale2Shift]);
        PrepareGemmFeatures(context, featureWeights);
    }

    /// <summary>
    /// Several batch rows take the GEMM core for the feature products by the rule of the int8 products
    /// (<see cref="MatMulArithmetic.SumsUseGemm"/>, one block's panel on the stack), the panels arranged once with
    /// <see cref="InterpreterOptions.PrearrangeWeights"/>; a single row keeps the dot products.
    /// </summary>
    private void PrepareGemmFeatures(PrepareContext context, Tensor featureWeights)
    {
        _features = new MatMulParameters { Batches = _batches, AccumDepth = _inputSize, OutputDepth = _filters, InputOffset = -_inputZeroPoint };
        if (_level == SimdLevel.Reference) return;
        bool arrangeOnce = context.PrearrangeWeights && featureWeights.IsConstant
                           && MatMulArithmetic.SumsUseGemm(_level, _features, arranged: true, 0) && MatMulArithmetic.ArrangedBytes(_level, _features) <= int.MaxValue;
        _gemmFeatures = MatMulArithmetic.SumsUseGemm(_level, _features, arrangeOnce, MatMulArithmetic.GemmStackBytes);
        if (!_gemmFeatures || !arrangeOnce) return;
        var arranged = new byte[MatMulArithmetic.ArrangedBytes(_level, _features)];
        MatMulArithmetic.ArrangeWeights(_level, _features, featureWeights.AsReadOnlySpan<sbyte>(), arranged);
        _arrangedHandle = context.AllocatePersistent<byte>(arranged);
    }

    public void Invoke(InvokeContext context)
    {
        if (_float) InvokeFloat(context);
        else if (_stateType == TensorType.Int16) InvokeInteger<short>(context, short.MinValue, short.MaxValue);
        else InvokeInteger<sbyte>(context, sbyte.MinValue, sbyte.MaxValue);
    }

    /// <summary>
    /// The tensors one Invoke uses, the state window aged by one step on the way (each filter's oldest slot dropped,
    /// its newest slot left for this step's feature): activations and weights of <typeparamref name="TValue"/>, the time
    /// weights and state of <typeparamref name="TState"/>, bias and sums of <typeparamref name="TSum"/>.
    /// </summary>
    private readonly ref struct SvdfTensors<TValue, TState, TSum> where TValue : unmanaged where TState : unmanaged where TSum : unmanaged
    {
        public readonly ReadOnlySpan<TValue> Input, FeatureWeights;
        public readonly ReadOnlySpan<TState> TimeWeights;
        public readonly ReadOnlySpan<TSum> Bias;
        public readonly Span<TState> State;
        public readonly Span<TSum> Scratch;
        public readonly Span<TValue> Output;

        public SvdfTensors(InvokeContext context, bool hasBias, int scratch, int stateValues)
        {
            Input = context.Input<TValue>(InputIndex);
            FeatureWeights = context.Input<TValue>(FeatureWeightsIndex);
            TimeWeights = context.Input<TState>(TimeWeightsIndex);
            Bias = hasBias ? context.Input<TSum>(BiasIndex) : default;
            State = context.Variable<TState>(StateIndex);
            Scratch = context.Scratch<TSum>(scratch);
            Output = context.Output<TValue>(0);
            State.Slice(1, stateValues - 1).CopyTo(State);
        }
    }

    private void InvokeFloat(InvokeContext context)
    {
        var io = new SvdfTensors<float, float, float>(context, _hasBias, _scratch, _batches * _filters * _memory);
        ReadOnlySpan<float> bias = io.Bias;
        Span<float> state = io.State, scratch = io.Scratch, output = io.Output;

        for (int b = 0; b < _batches; b++)
        {
            ReadOnlySpan<float> x = io.Input.Slice(b * _inputSize, _inputSize);
            for (int f = 0; f < _filters; f++)
            {
                ReadOnlySpan<float> w = io.FeatureWeights.Slice(f * _inputSize, _inputSize);
                float sum = 0f;
                for (int k = 0; k < _inputSize; k++) sum += w[k] * x[k];
                state[(b * _filters + f) * _memory + _memory - 1] = sum;
            }
        }

        for (int b = 0; b < _batches; b++)
        {
            for (int f = 0; f < _filters; f++)
            {
                ReadOnlySpan<float> w = io.TimeWeights.Slice(f * _memory, _memory);
                ReadOnlySpan<float> s = state.Slice((b * _filters + f) * _memory, _memory);
                float sum = 0f;
                for (int k = 0; k < _memory; k++) sum += w[k] * s[k];
                scratch[b * _filters + f] = sum;
            }
        }

        for (int b = 0; b < _batches; b++)
        {
            for (int u = 0; u < _units; u++)
            {
                float sum = _hasBias ? bias[u] : 0f;
                for (int r = 0; r < _rank; r++) sum += scratch[b * _filters + u * _rank + r];
                output[b * _units + u] = Activate(sum);
            }
        }
    }

    private float Activate(float x) => _activation switch
    {
        FusedActivation.Relu => MathF.Max(0f, x),
        FusedActivation.ReluN1To1 => MathF.Max(-1f, MathF.Min(x, 1f)),
        FusedActivation.Relu6 => MathF.Max(0f, MathF.Min(x, 6f)),
        FusedActivation.Tanh => MathF.Tanh(x),
        FusedActivation.SignBit => float.IsNegative(x) ? 1f : 0f,
        _ => x,
    };

    /// <summary>Writes one feature projection (requantized to the state's scale and clamped) into the newest slot of its filter's window.</summary>
    private void StoreFeature<T>(Span<T> state, int filter, int sum, int stateMin, int stateMax) where T : unmanaged
        => state[filter * _memory + _memory - 1] = Scalar.Truncate<T>(
            SvdfArithmetic.FeatureToState(sum, _scale1Multiplier, _scale1Shift, stateMin, stateMax, _stateZeroPoint));

    /// <summary>
    /// The feature products of every batch row at once through <see cref="MatMulArithmetic.Int8Sums"/> (the GEMM core) into
    /// <paramref name="sums"/> (free until the time products), then into the state.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the panel is written before it is read
    private void GemmFeatureProducts<T>(InvokeContext context, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> featureWeights, Span<T> state,
        Span<int> sums, int stateMin, int stateMax) where T : unmanaged
    {
        ReadOnlySpan<byte> arranged = _arrangedHandle >= 0 ? context.Persistent<byte>(_arrangedHandle) : default;
        Span<byte> scratch = stackalloc byte[arranged.IsEmpty ? Math.Min(MatMulArithmetic.GemmStackBytes, MatMulArithmetic.Int8SumsScratchBytes(_level, _inputSize, false)) : 0];
        MatMulArithmetic.Int8Sums(_level, _features, input, featureWeights, arranged, default, default, scratch, sums, _filters);
        int count = _batches * _filters;
        if (_vectorFeatures)
            SvdfArithmetic.FeaturesToState<int, T>(sums, count, _scale1Multiplier, _scale1Shift, stateMin, stateMax, _stateZeroPoint, state, 0, _memory);
        else
            for (int i = 0; i < count; i++) StoreFeature(state, i, sums[i], stateMin, stateMax);
    }

    [System.Runtime.CompilerServices.SkipLocalsInit] // the row and sums are written before they are read
    private void FastFeatureProducts<T>(InvokeContext context, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> featureWeights, Span<T> state,
        int stateMin, int stateMax) where T : unmanaged
    {
        Span<short> row = (_rowScratch < 0 ? stackalloc short[Int16Dot.StackRowValues] : context.Scratch<short>(_rowScratch)).Slice(0, _inputSize);
        Span<long> sums = stackalloc long[FeatureSumsChunk];
        for (int b = 0; b < _batches; b++)
        {
            ReadOnlySpan<sbyte> x = input.Slice(b * _inputSize, _inputSize);
            MatMulArithmetic.WidenWithOffset(x, -_inputZeroPoint, row);
            for (int f0 = 0; f0 < _filters; f0 += FeatureSumsChunk)
            {
                int count = Math.Min(FeatureSumsChunk, _filters - f0);
                Int16Dot.Rows(_level, row, featureWeights.Slice(f0 * _inputSize), _inputSize, count, sums);
                if (_vectorFeatures)
                    SvdfArithmetic.FeaturesToState<long, T>(sums, count, _scale1Multiplier, _scale1Shift, stateMin, stateMax, _stateZeroPoint, state, b * _filters + f0, _memory);
                else
                    for (int i = 0; i < count; i++) StoreFeature(state, b * _filters + f0 + i, unchecked((int)sums[i]), stateMin, stateMax);
            }
        }
    }

    private void InvokeInteger<T>(InvokeContext context, int stateMin, int stateMax) where T : unmanaged
    {
        var io = new SvdfTensors<sbyte, T, int>(context, _hasBias, _scratch, _batches * _filters * _memory);
        ReadOnlySpan<sbyte> input = io.Input, featureWeights = io.FeatureWeights;
        ReadOnlySpan<int> bias = io.Bias;
        Span<T> state = io.State;
        Span<sbyte> output = io.Output;
        Span<int> scratch = io.Scratch, scratchOutput = context.Scratch<int>(_scratchOutput);

        if (_gemmFeatures) GemmFeatureProducts(context, input, featureWeights, state, scratch, stateMin, stateMax);
        else if (_level != SimdLevel.Reference) FastFeatureProducts(context, input, featureWeights, state, stateMin, stateMax);
        else
        {
            // Filter f of batch row b is slot b * filters + f.
            for (int slot = 0; slot < _batches * _filters; slot++)
            {
                int b = slot / _filters, f = slot % _filters;
                StoreFeature(state, slot, SvdfArithmetic.FeatureSum(input.Slice(b * _inputSize, _inputSize), featureWeights.Slice(f * _inputSize, _inputSize),
                    _inputZeroPoint), stateMin, stateMax);
            }
        }

        for (int b = 0; b < _batches; b++)
        {
            ReadOnlySpan<T> window = state.Slice(b * _filters * _memory, _filters * _memory);
            Span<int> sums = scratch.Slice(b * _filters, _filters);
            if (_vectorTime) SvdfArithmetic.TimeProductsFast(io.TimeWeights, window, _memory, _stateZeroPoint, sums);
            else SvdfArithmetic.TimeProducts(io.TimeWeights, window, _memory, _stateZeroPoint, sums);
        }

        for (int b = 0; b < _batches; b++)
        {
            for (int u = 0; u < _units; u++)
            {
                int sum = _hasBias ? bias[u] : 0;
                for (int r = 0; r < _rank; r++) sum = unchecked(sum + scratch[b * _filters + u * _rank + r]);
                scratchOutput[b * _units + u] = sum;
            }
        }

        if (_vectorOutput)
        {
            SvdfArithmetic.RequantizeOutput(scratchOutput[..(_batches * _units)], _scale2Multiplier, _scale2Shift, _outputZeroPoint, output);
            return;
        }
        for (int i = 0; i < _batches * _units; i++)
        {
            int value = FixedPoint.MultiplyByQuantizedMultiplier(scratchOutput[i], _scale2Multiplier, _scale2Shift) + _outputZeroPoint;
            output[i] = (sbyte)Math.Clamp(value, sbyte.MinValue, sbyte.MaxValue);
        }
    }
}
