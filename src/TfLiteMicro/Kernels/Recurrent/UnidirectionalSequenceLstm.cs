using System.Runtime.InteropServices;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM without peepholes, projection, layer norm or CIFG (what TFLM runs): float32,
/// int8 activations with int8 weights and an int16 cell, or int16 activations with int8 weights. Time-major
/// ([time, batch, input]) or batch-major ([batch, time, input]). The hidden and cell states are variable tensors
/// carried from one Invoke to the next.
/// <para>
/// The integer path follows TFLM's structure: each gate is two fully connected products (input and hidden state)
/// requantized to Q3.12 int16, added with saturation and squashed to Q0.15 by the int16 logistic or tanh; the cell
/// update and hidden output are elementwise multiplications with precomputed multipliers.
/// </para>
/// </summary>
internal sealed class UnidirectionalSequenceLstm : IKernel
{
    private const int InputIndex = 0;
    private const int HiddenStateIndex = 18, CellStateIndex = 19;

    // Gates in TFLM's order of evaluation: forget, input, cell, output.
    private const int Forget = 0, InputGate = 1, Cell = 2, Output = 3;
    private static readonly int[] InputWeightIndex = [2, 1, 3, 4];
    private static readonly int[] RecurrentWeightIndex = [6, 5, 7, 8];
    private static readonly int[] BiasIndex = [13, 12, 14, 15];

    private enum Mode { Float, Int8, Int16 }

    private Mode _mode;
    private bool _timeMajor;
    private int _batches, _steps, _inputSize, _units;
    private readonly int[] _buffers = new int[4];
    private FusedActivation _cellActivation;
    private float _cellClip;

    private readonly int[] _inputMultiplier = new int[4], _inputShift = new int[4];
    private readonly int[] _recurrentMultiplier = new int[4], _recurrentShift = new int[4];
    private int _inputOffset, _hiddenOffset;
    private LstmCellParameters _cell;
    private SimdLevel _level;
    // Whether the gate products run through the dot products FULLY_CONNECTED uses (chosen once, in Prepare).
    private bool _fastGates;
    // Whether the activations and the cell and hidden updates run in vectors (and, with int8 activations, the gates'
    // requantization too).
    private bool _vectorCell;
    // Whether the gates' requantization runs in vectors too (from the exact sums of the fast gate products).
    private bool _vectorGates;
    // Whether int8 activations run the fused step (all four gates, the cell and the hidden output in one pass per step).
    private bool _fused;
    private FusedLstmLayout _fusedLayout;
    // Whether the unfused int8 gates take their input products from the GEMM core (MatMulArithmetic.Int8Sums), a window
    // of input rows at a time into arena scratch, the panels arranged once into the persistent arena (else -1: per call).
    private bool _inputSums;
    private int _windowRows, _sumsScratch = -1, _inputPanelsHandle = -1;
    // Float activations: whether they run the fused step (see LstmArithmetic.RunFusedFloat).
    private bool _fusedFloat;
    private FusedFloatLstmLayout _fusedFloatLayout;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(24, 24, 1);
        UnidirectionalSequenceLSTMOptions options = UnidirectionalSequenceLSTMOptions.Read(context);
        _cellActivation = options.FusedActivationFunction;
        _cellClip = options.CellClip;
        _timeMajor = options.TimeMajor;
        if (_cellActivation != FusedActivation.Tanh)
            throw context.Error($"the cell gate activation must be TANH (TFLM computes no other), got {_cellActivation}");

        Tensor input = context.Input(InputIndex);
        Tensor hidden = context.Input(HiddenStateIndex);
        Tensor cell = context.Input(CellStateIndex);
        Tensor output = context.Output(0);
        if (!hidden.IsVariable) throw context.Error("the hidden (output) state input 18 must be a variable tensor");
        if (!cell.IsVariable) throw context.Error("the cell state input 19 must be a variable tensor");
        if (hidden.Type != input.Type) throw context.Error($"hidden state type {TensorTypes.GetName(hidden.Type)} differs from input type {TensorTypes.GetName(input.Type)}");
        if (output.Type != input.Type) throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from input type {TensorTypes.GetName(input.Type)}");

        TensorType weightType = context.Input(InputWeightIndex[Forget]).Type;
        for (int i = 1; i < 9; i++)
        {
            Tensor w = context.HasInput(i) ? context.Input(i) : throw context.Error($"weights input {i} is missing (CIFG LSTMs are not supported, as in TFLM)");
            if (w.Type != weightType) throw context.Error($"weights input {i} has type {TensorTypes.GetName(w.Type)}, expected {TensorTypes.GetName(weightType)}");
        }
        TensorType biasType = context.Input(BiasIndex[Forget]).Type;
        for (int i = 12; i < 16; i++)
        {
            Tensor b = context.HasInput(i) ? context.Input(i) : throw context.Error($"gate bias input {i} is missing");
            if (b.Type != biasType) throw context.Error($"bias input {i} has type {TensorTypes.GetName(b.Type)}, expected {TensorTypes.GetName(biasType)}");
        }
        foreach (int i in (ReadOnlySpan<int>)[9, 10, 11, 16, 17, 20, 21, 22, 23])
            if (context.HasInput(i)) throw context.Error($"input {i} (peephole, projection or layer norm) is not supported, as in TFLM");

        if (input.Rank != 3) throw context.Error($"input must have rank 3, has {input.Rank}");
        if (hidden.Rank < 2) throw context.Error($"hidden state must have rank 2, has {hidden.Rank}");
        _batches = _timeMajor ? input.Dim(1) : input.Dim(0);
        _steps = _timeMajor ? input.Dim(0) : input.Dim(1);
        _inputSize = input.Dim(2);
        _units = hidden.Dim(1);
        for (int g = 0; g < 4; g++)
        {
            ExpectShape(context, InputWeightIndex[g], _units, _inputSize);
            ExpectShape(context, RecurrentWeightIndex[g], _units, _units);
            Tensor b = context.Input(BiasIndex[g]);
            if (b.Rank != 1 || b.Dim(0) != _units) throw context.Error($"bias input {BiasIndex[g]} must be [{_units}]");
        }
        if (hidden.ElementCount != _batches * _units) throw context.Error($"hidden state holds {hidden.ElementCount} values, expected {_batches * _units}");
        if (cell.ElementCount != _batches * _units) throw context.Error($"cell state holds {cell.ElementCount} values, expected {_batches * _units}");
        if (output.Rank != 3 || output.Dim(0) != input.Dim(0) || output.Dim(1) != input.Dim(1) || output.Dim(2) != _units)
            throw context.Error($"output must be [{input.Dim(0)}, {input.Dim(1)}, {_units}], is [{string.Join(",", output.ShapeArray)}]");

        int cellBytes;
        if (cell.Type == TensorType.Float32)
        {
            if (input.Type != TensorType.Float32) throw context.UnsupportedType("input (with a float32 cell)", input.Type);
            if (weightType != TensorType.Float32) throw context.UnsupportedType("weights", weightType);
            if (biasType != TensorType.Float32) throw context.UnsupportedType("bias", biasType);
            _mode = Mode.Float;
            cellBytes = sizeof(float);
        }
        else if (cell.Type == TensorType.Int16)
        {
            if (weightType != TensorType.Int8) throw context.UnsupportedType("weights", weightType);
            if (input.Type == TensorType.Int8)
            {
                if (biasType != TensorType.Int32) throw context.UnsupportedType("bias (int8 activations)", biasType);
                _mode = Mode.Int8;
            }
            else if (input.Type == TensorType.Int16)
            {
                if (biasType != TensorType.Int64) throw context.UnsupportedType("bias (int16 activations)", biasType);
                _mode = Mode.Int16;
            }
            else
            {
                throw context.UnsupportedType("input", input.Type);
            }
            PrepareInteger(context, input, hidden, cell);
            cellBytes = sizeof(short);
        }
        else
        {
            throw context.UnsupportedType("cell state (only float32 and int16 cells are supported, as in TFLM)", cell.Type);
        }

        for (int i = 0; i < 4; i++)
            _buffers[i] = context.RequestScratch(checked(_batches * _units * cellBytes));

        // The fast gate products keep their rows and sums on the stack (so the arena is the reference's): integer
        // activations enter Int16Dot as 16-bit values x - zero point, exact for int8, and for int16 only without an offset.
        _level = Simd.For(context);
        _fastGates = _level != SimdLevel.Reference && _mode switch
        {
            Mode.Float => true,
            _ => _units <= Int16Dot.StackSums && Math.Max(_inputSize, _units) <= Int16Dot.StackRowValues
                && (_mode == Mode.Int8 || (_inputOffset == 0 && _hiddenOffset == 0)),
        };
        _vectorCell = _fastGates && (_mode == Mode.Float
            ? _units <= Int16Dot.StackSums && LstmArithmetic.CanVectorizeFloat(_level)
            : LstmArithmetic.CanVectorize(_level, _cell) && (_mode == Mode.Int16 || GatesVectorize()));
        _vectorGates = _vectorCell && _mode != Mode.Float && (_mode == Mode.Int8 || GatesVectorize64());
        if (_mode == Mode.Float && _level != SimdLevel.Reference)
        {
            _fusedFloatLayout = new FusedFloatLstmLayout(_batches, _steps, _inputSize, _units);
            _fusedFloat = LstmArithmetic.CanFuseFloat(_level, _fusedFloatLayout);
        }
        if (_mode == Mode.Int8 && _level != SimdLevel.Reference)
        {
            _fusedLayout = new FusedLstmLayout(LstmArithmetic.FusedUsesVnni(_level), _batches, _steps, _inputSize, _units);
            _fused = LstmArithmetic.CanFuseInt8(_level, _fusedLayout, _cell) && GatesVectorize();
            if (!_fused && _fastGates) PrepareInputSums(context);
        }
    }

    /// <summary>Input rows whose gate input products one window computes (more rows amortize the panels' arrangement).</summary>
    private const int InputSumsRows = 16;

    /// <summary>
    /// The unfused int8 gates' input products through the GEMM core by the rule of the int8 products
    /// (<see cref="MatMulArithmetic.SumsUseGemm"/>), <see cref="InputSumsRows"/> input rows (or one time step's, if more) at a
    /// time: their sums, 4 * units int32 per row, in arena scratch; the fused step keeps its own input groups (there the
    /// core saves no work and costs the arrangement). The panels are arranged once with
    /// <see cref="InterpreterOptions.PrearrangeWeights"/>, else per call, block by block, on the stack.
    /// </summary>
    private void PrepareInputSums(PrepareContext context)
    {
        int rows = _batches * _steps;
        _windowRows = Math.Min(rows, Math.Max(InputSumsRows, _timeMajor ? _batches : 1));
        var window = new MatMulParameters { Batches = _windowRows, AccumDepth = _inputSize, OutputDepth = _units, InputOffset = _inputOffset };
        bool arrangeOnce = context.PrearrangeWeights;
        for (int g = 0; g < 4; g++) arrangeOnce &= context.Input(InputWeightIndex[g]).IsConstant;
        arrangeOnce &= MatMulArithmetic.SumsUseGemm(_level, window, arranged: true, 0) && 4 * MatMulArithmetic.ArrangedBytes(_level, window) <= int.MaxValue;
        _inputSums = rows > 0 && MatMulArithmetic.SumsUseGemm(_level, window, arrangeOnce, MatMulArithmetic.GemmStackBytes)
                     && MatMulArithmetic.Int8SumsScratchBytes(_level, _inputSize, arrangeOnce) <= MatMulArithmetic.GemmStackBytes;
        if (!_inputSums) return;
        _sumsScratch = context.RequestScratch(checked(_windowRows * 4 * _units * sizeof(int)));
        if (!arrangeOnce) return;
        int gateBytes = (int)MatMulArithmetic.ArrangedBytes(_level, window);
        var panels = new byte[4 * gateBytes];
        for (int g = 0; g < 4; g++)
            MatMulArithmetic.ArrangeWeights(_level, window, context.Input(InputWeightIndex[g]).AsReadOnlySpan<sbyte>(), panels.AsSpan(g * gateBytes, gateBytes));
        _inputPanelsHandle = context.AllocatePersistent<byte>(panels);
    }

    /// <summary>
    /// The four gates' input products of input rows [<paramref name="first"/>, first + <paramref name="count"/>), without the
    /// bias: sums[r * 4 units + g * units + u] for row first + r, gate g, unit u.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the panel or row is written before it is read
    private void InputSums(InvokeContext context, ReadOnlySpan<sbyte> input, int first, int count, Span<int> sums)
    {
        var window = new MatMulParameters { Batches = count, AccumDepth = _inputSize, OutputDepth = _units, InputOffset = _inputOffset };
        bool arranged = _inputPanelsHandle >= 0;
        ReadOnlySpan<byte> panels = arranged ? context.Persistent<byte>(_inputPanelsHandle) : default;
        int gateBytes = arranged ? panels.Length / 4 : 0;
        Span<byte> scratch = stackalloc byte[MatMulArithmetic.Int8SumsScratchBytes(_level, _inputSize, arranged)];
        ReadOnlySpan<sbyte> rows = input.Slice(first * _inputSize, count * _inputSize);
        for (int g = 0; g < 4; g++)
            MatMulArithmetic.Int8Sums(_level, window, rows, context.Input<sbyte>(InputWeightIndex[g]), arranged ? panels.Slice(g * gateBytes, gateBytes) : default,
                default, default, scratch, sums.Slice(g * _units), 4 * _units);
    }

    private bool GatesVectorize()
    {
        for (int g = 0; g < 4; g++)
            if (!LstmArithmetic.FitsMultiplier(_inputMultiplier[g], _inputShift[g]) || !LstmArithmetic.FitsMultiplier(_recurrentMultiplier[g], _recurrentShift[g]))
                return false;
        return true;
    }

    private bool GatesVectorize64()
    {
        for (int g = 0; g < 4; g++)
            if (!LstmArithmetic.FitsMultiplier64(_inputMultiplier[g], _inputShift[g]) || !LstmArithmetic.FitsMultiplier64(_recurrentMultiplier[g], _recurrentShift[g]))
                return false;
        return true;
    }

    private static void ExpectShape(PrepareContext context, int index, int rows, int columns)
    {
        Tensor t = context.Input(index);
        if (t.Rank != 2 || t.Dim(0) != rows || t.Dim(1) != columns)
            throw context.Error($"input {index} must be [{rows}, {columns}], is [{string.Join(",", t.ShapeArray)}]");
    }

    private void PrepareInteger(PrepareContext context, Tensor input, Tensor hidden, Tensor cell)
    {
        // Gate pre-activations are Q3.12, their activations Q0.15.
        const float gateInputScale = 1f / 4096f;
        const float gateOutputScale = 1f / 32768f;
        for (int g = 0; g < 4; g++)
        {
            Tensor wx = context.Input(InputWeightIndex[g]);
            Tensor wh = context.Input(RecurrentWeightIndex[g]);
            if (wx.Quantization.Scales.Length > 1 || wh.Quantization.Scales.Length > 1)
                throw context.Error("per-channel quantized LSTM weights are not supported (TFLM's integer LSTM is per-tensor)");
            if (wx.ZeroPoint != 0 || wh.ZeroPoint != 0) throw context.Error("LSTM weights must be symmetric (zero point 0)");
            (_inputMultiplier[g], _inputShift[g]) = FixedPoint.QuantizeMultiplier((double)(input.Scale * wx.Scale) / gateInputScale);
            (_recurrentMultiplier[g], _recurrentShift[g]) = FixedPoint.QuantizeMultiplier((double)(hidden.Scale * wh.Scale) / gateInputScale);
        }
        _inputOffset = -input.ZeroPoint;
        _hiddenOffset = -hidden.ZeroPoint;

        float cellScale = cell.Scale;
        if (!(cellScale > 0f)) throw context.Error("the int16 cell state needs a positive scale");
        float log2 = MathF.Log(cellScale) * (1f / MathF.Log(2f));
        int cellScalePower = (int)FixedPoint.Round(log2);
        short quantizedCellClip = (short)Math.Min(Math.Max((double)_cellClip / cellScale, -32768.0), 32767.0);

        // tanh of the cell state: its scale 2^power is folded into the input shift of the int16 tanh.
        int tanhShift = 15 + cellScalePower - 3;
        int tanhMultiplier = 0;
        if (tanhShift < 0)
        {
            tanhShift = -tanhShift;
            tanhMultiplier = 3;
        }

        (int forgetMultiplier, int forgetShift) = FixedPoint.QuantizeMultiplier((double)gateOutputScale * cellScale / cellScale);
        (int inputMultiplier, int inputShift) = FixedPoint.QuantizeMultiplier((double)gateOutputScale * gateOutputScale / cellScale);
        (int hiddenMultiplier, int hiddenShift) = FixedPoint.QuantizeMultiplier((double)gateOutputScale * gateOutputScale / hidden.Scale);
        (int hiddenMin, int hiddenMax) = hidden.Type == TensorType.Int8 ? (sbyte.MinValue, sbyte.MaxValue) : (short.MinValue, short.MaxValue);
        _cell = new LstmCellParameters(forgetMultiplier, forgetShift, inputMultiplier, inputShift, _cellClip > 0f, quantizedCellClip,
            hiddenMultiplier, hiddenShift, hidden.ZeroPoint, hiddenMin, hiddenMax, tanhMultiplier, tanhShift);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_mode)
        {
            case Mode.Float when _fusedFloat: InvokeFusedFloat(context); break;
            case Mode.Float: InvokeFloat(context); break;
            case Mode.Int8 when _fused: InvokeFused(context); break;
            case Mode.Int8: InvokeInteger<sbyte>(context); break;
            default: InvokeInteger<short>(context); break;
        }
    }

    /// <summary>
    /// The step walker shared by all types: in time-major order every step covers the whole batch; in batch-major
    /// order each batch row runs through time on its own slice of the state.
    /// </summary>
    private StepWalk Steps() => new(_timeMajor, _batches, _steps, _inputSize, _units);

    /// <summary>One step: <see cref="Rows"/> batch rows at these offsets into the input, the states and the output.</summary>
    private readonly record struct StepWindow(int Rows, int InputOffset, int StateOffset, int OutputOffset);

    /// <summary>The steps of one Invoke in the order the recurrence needs them (a struct enumerator: nothing allocated).</summary>
    private struct StepWalk(bool timeMajor, int batches, int steps, int inputSize, int units)
    {
        private int _outer, _t = -1;

        public StepWindow Current { get; private set; }

        public readonly StepWalk GetEnumerator() => this;

        public bool MoveNext()
        {
            if (++_t == steps)
            {
                _t = 0;
                _outer++;
            }
            if (steps == 0 || _outer == (timeMajor ? 1 : batches)) return false;
            Current = timeMajor
                ? new(batches, _t * batches * inputSize, 0, _t * batches * units)
                : new(1, (_outer * steps + _t) * inputSize, _outer * units, (_outer * steps + _t) * units);
            return true;
        }
    }

    /// <summary>
    /// What one Invoke reads and writes: the input, the hidden and cell states, the output and the four gate buffers;
    /// activations of <typeparamref name="TAct"/>, the cell state and the gates of <typeparamref name="TCell"/>.
    /// </summary>
    private readonly ref struct StepTensors<TAct, TCell> where TAct : unmanaged where TCell : unmanaged
    {
        public readonly ReadOnlySpan<TAct> Input;
        public readonly Span<TAct> Hidden, Output;
        public readonly Span<TCell> Cell, Forget, InputGate, CellGate, Temp;
        private readonly int _inputSize, _units;

        public StepTensors(InvokeContext context, int[] buffers, int inputSize, int units)
        {
            Input = context.Input<TAct>(InputIndex);
            Hidden = context.Variable<TAct>(HiddenStateIndex);
            Cell = context.Variable<TCell>(CellStateIndex);
            Output = context.Output<TAct>(0);
            Forget = context.Scratch<TCell>(buffers[0]);
            InputGate = context.Scratch<TCell>(buffers[1]);
            CellGate = context.Scratch<TCell>(buffers[2]);
            Temp = context.Scratch<TCell>(buffers[3]);
            _inputSize = inputSize;
            _units = units;
        }

        /// <summary>The step's input rows, hidden and cell state; returns its number of state values.</summary>
        public int At(in StepWindow w, out ReadOnlySpan<TAct> x, out Span<TAct> h, out Span<TCell> c)
        {
            int n = w.Rows * _units;
            x = Input.Slice(w.InputOffset, w.Rows * _inputSize);
            h = Hidden.Slice(w.StateOffset, n);
            c = Cell.Slice(w.StateOffset, n);
            return n;
        }
    }

    private void InvokeFloat(InvokeContext context)
    {
        var io = new StepTensors<float, float>(context, _buffers, _inputSize, _units);
        Span<float> forget = io.Forget, inputGate = io.InputGate, cellGate = io.CellGate, temp = io.Temp;
        foreach (StepWindow w in Steps())
        {
            int n = io.At(w, out ReadOnlySpan<float> x, out Span<float> h, out Span<float> c);
            int rows = w.Rows;

            FloatGate(context, Forget, x, h, rows, forget[..n], temp[..n], sigmoid: true);
            FloatGate(context, InputGate, x, h, rows, inputGate[..n], temp[..n], sigmoid: true);
            FloatGate(context, Cell, x, h, rows, cellGate[..n], temp[..n], sigmoid: false);
            if (_vectorCell)
            {
                // The output gate reads the hidden state before this step's update, as below.
                Span<float> outputGate = temp[..n];
                FloatGate(context, Output, x, h, rows, outputGate, default, sigmoid: true);
                LstmArithmetic.FloatCellAndHidden(forget[..n], inputGate[..n], cellGate[..n], outputGate, _cellClip, c, h);
            }
            else
            {
                for (int i = 0; i < n; i++) c[i] = LstmArithmetic.UpdateCell(forget[i], c[i], inputGate[i], cellGate[i], _cellClip);
                Span<float> outputGate = inputGate;
                FloatGate(context, Output, x, h, rows, outputGate[..n], temp[..n], sigmoid: true);
                for (int i = 0; i < n; i++) h[i] = MathF.Tanh(c[i]) * outputGate[i];
            }
            h.CopyTo(io.Output.Slice(w.OutputOffset, n));
        }
    }

    /// <summary>
    /// One gate: the input and recurrent products (plus bias) through the gate's activation. The vector form keeps the
    /// recurrent products on the stack, so <paramref name="temp"/> may be empty there.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the recurrent sums are written before they are read
    private void FloatGate(InvokeContext context, int gate, ReadOnlySpan<float> x, ReadOnlySpan<float> h, int rows,
        Span<float> result, Span<float> temp, bool sigmoid)
    {
        ReadOnlySpan<float> wx = context.Input<float>(InputWeightIndex[gate]);
        ReadOnlySpan<float> wh = context.Input<float>(RecurrentWeightIndex[gate]);
        ReadOnlySpan<float> bias = context.Input<float>(BiasIndex[gate]);
        Span<float> recurrent = stackalloc float[_vectorCell ? _units : 0];
        for (int b = 0; b < rows; b++)
        {
            ReadOnlySpan<float> xb = x.Slice(b * _inputSize, _inputSize);
            ReadOnlySpan<float> hb = h.Slice(b * _units, _units);
            Span<float> rb = result.Slice(b * _units, _units);
            if (_vectorCell)
            {
                FloatDot.Rows(_level, xb, wx, _inputSize, _units, bias, float.NegativeInfinity, float.PositiveInfinity, rb);
                FloatDot.Rows(_level, hb, wh, _units, _units, default, float.NegativeInfinity, float.PositiveInfinity, recurrent);
                LstmArithmetic.FloatGate(rb, recurrent, sigmoid);
                continue;
            }
            if (_fastGates)
            {
                FloatDot.Rows(_level, xb, wx, _inputSize, _units, bias, float.NegativeInfinity, float.PositiveInfinity, rb);
                FloatDot.Rows(_level, hb, wh, _units, _units, default, float.NegativeInfinity, float.PositiveInfinity, temp.Slice(b * _units, _units));
                continue;
            }
            for (int u = 0; u < _units; u++)
            {
                ReadOnlySpan<float> w = wx.Slice(u * _inputSize, _inputSize);
                float sum = 0f;
                for (int k = 0; k < _inputSize; k++) sum += xb[k] * w[k];
                rb[u] = sum + bias[u];

                ReadOnlySpan<float> r = wh.Slice(u * _units, _units);
                float recurrentSum = 0f;
                for (int k = 0; k < _units; k++) recurrentSum += hb[k] * r[k];
                temp[b * _units + u] = recurrentSum + 0f;
            }
        }
        if (_vectorCell) return;
        for (int i = 0; i < result.Length; i++)
        {
            float v = result[i] + temp[i];
            result[i] = sigmoid ? LstmArithmetic.Sigmoid(v) : MathF.Tanh(v);
        }
    }

    private void InvokeInteger<TAct>(InvokeContext context) where TAct : unmanaged
    {
        var io = new StepTensors<TAct, short>(context, _buffers, _inputSize, _units);
        Span<short> forget = io.Forget, inputGate = io.InputGate, cellGate = io.CellGate, temp = io.Temp;
        LstmCellParameters p = _cell;
        bool vectorGates = _vectorGates;
        // The input products of a window of input rows (int8 through the GEMM core): rows in storage order, which both
        // layouts visit in increasing order.
        Span<int> sums = _inputSums ? context.Scratch<int>(_sumsScratch) : default;
        int windowFirst = 0, windowEnd = 0, sumsStride = 4 * _units;

        foreach (StepWindow w in Steps())
        {
            int n = io.At(w, out ReadOnlySpan<TAct> x, out Span<TAct> h, out Span<short> c);
            int rows = w.Rows;
            ReadOnlySpan<int> stepSums = default;
            if (_inputSums)
            {
                int firstRow = w.InputOffset / _inputSize;
                if (firstRow < windowFirst || firstRow + rows > windowEnd)
                {
                    windowFirst = firstRow;
                    windowEnd = Math.Min(_batches * _steps, firstRow + _windowRows);
                    InputSums(context, MemoryMarshal.Cast<TAct, sbyte>(io.Input), windowFirst, windowEnd - windowFirst, sums);
                }
                stepSums = sums.Slice((firstRow - windowFirst) * sumsStride, rows * sumsStride);
            }

            // The vector gates compute all four at once (they read the hidden state before this step's update),
            // the output gate into temp; otherwise each gate uses temp for its recurrent product and the output gate
            // comes after the cell update, into the input gate's buffer, as in TFLM.
            if (vectorGates)
            {
                VectorGates(context, x, h, rows, forget[..n], inputGate[..n], cellGate[..n], temp[..n], stepSums);
            }
            else
            {
                IntegerGate(context, Forget, x, h, rows, forget[..n], temp[..n], stepSums);
                IntegerGate(context, InputGate, x, h, rows, inputGate[..n], temp[..n], stepSums);
                IntegerGate(context, Cell, x, h, rows, cellGate[..n], temp[..n], stepSums);
            }
            Logistic(forget[..n]);
            Logistic(inputGate[..n]);
            if (_vectorCell)
            {
                LstmArithmetic.Tanh(cellGate[..n], cellGate[..n], 0, 0);
                LstmArithmetic.UpdateCellFast(p, forget[..n], inputGate[..n], cellGate[..n], c);
            }
            else
            {
                Int16Sigmoid.Tanh(cellGate[..n], cellGate[..n], 0, 0);
                LstmArithmetic.UpdateCell(p, forget[..n], inputGate[..n], cellGate[..n], c);
            }

            Span<short> outputGate = vectorGates ? temp[..n] : inputGate[..n];
            if (!vectorGates) IntegerGate(context, Output, x, h, rows, outputGate, temp[..n], stepSums);
            Logistic(outputGate);
            if (_vectorCell)
            {
                LstmArithmetic.Tanh(c, forget[..n], p.TanhMultiplier, p.TanhShift);
                LstmArithmetic.HiddenFast(p, forget[..n], outputGate, h);
            }
            else
            {
                Int16Sigmoid.Tanh(c, forget[..n], p.TanhMultiplier, p.TanhShift);
                LstmArithmetic.Hidden(p, forget[..n], outputGate, h);
            }
            h.CopyTo(io.Output.Slice(w.OutputOffset, n));
        }
    }

    /// <summary>The int8 LSTM through <see cref="LstmArithmetic.RunFusedInt8"/>, its weights arranged on the stack (sizes bounded in Prepare).</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // both buffers are cleared before they are filled
    private void InvokeFused(InvokeContext context)
    {
        FusedLstmLayout layout = _fusedLayout;
        Span<byte> arranged = stackalloc byte[layout.ArrangedBytes];
        Span<int> constants = stackalloc int[layout.ConstantInts];
        arranged.Clear();
        constants.Clear();
        for (int g = 0; g < 4; g++)
            LstmArithmetic.ArrangeFusedGate(layout, g, context.Input<sbyte>(InputWeightIndex[g]), context.Input<sbyte>(RecurrentWeightIndex[g]),
                context.Input<int>(BiasIndex[g]), arranged, constants);
        LstmArithmetic.RunFusedInt8(layout, arranged, constants, _timeMajor, _inputOffset, _hiddenOffset, _inputMultiplier, _inputShift,
            _recurrentMultiplier, _recurrentShift, _cell, context.Input<sbyte>(InputIndex), context.Variable<sbyte>(HiddenStateIndex),
            context.Variable<short>(CellStateIndex), context.Output<sbyte>(0));
    }

    /// <summary>The float LSTM through <see cref="LstmArithmetic.RunFusedFloat"/>, its weights arranged on the stack (sizes bounded in Prepare).</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the arrangement writes every float
    private void InvokeFusedFloat(InvokeContext context)
    {
        FusedFloatLstmLayout layout = _fusedFloatLayout;
        Span<float> arranged = stackalloc float[layout.ArrangedFloats];
        for (int g = 0; g < 4; g++)
            LstmArithmetic.ArrangeFusedFloatGate(layout, g, context.Input<float>(InputWeightIndex[g]), context.Input<float>(RecurrentWeightIndex[g]),
                context.Input<float>(BiasIndex[g]), arranged);
        LstmArithmetic.RunFusedFloat(layout, arranged, _timeMajor, _cellClip, context.Input<float>(InputIndex), context.Variable<float>(HiddenStateIndex),
            context.Variable<float>(CellStateIndex), context.Output<float>(0));
    }

    private void Logistic(Span<short> gate)
    {
        if (_vectorCell) LstmArithmetic.Logistic(gate, gate);
        else Int16Sigmoid.Logistic(gate, gate);
    }

    /// <summary>
    /// The four gates' pre-activations: each gate's two products as exact sums (<see cref="Int16Dot"/>; int8 rows widened
    /// once with their offsets, int16 rows as they are; or the input products given in <paramref name="inputSums"/>, see
    /// <see cref="InputSums"/>), requantized and added eight at a time.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // rows and sums are written before they are read
    private void VectorGates<TAct>(InvokeContext context, ReadOnlySpan<TAct> x, ReadOnlySpan<TAct> h, int rows,
        Span<short> forget, Span<short> inputGate, Span<short> cellGate, Span<short> outputGate, ReadOnlySpan<int> inputSums) where TAct : unmanaged
    {
        bool int8 = typeof(TAct) == typeof(sbyte), given = !inputSums.IsEmpty;
        Span<short> xRow = stackalloc short[int8 && !given ? _inputSize : 0];
        Span<short> hRow = stackalloc short[int8 ? _units : 0];
        Span<long> xSums = stackalloc long[_units];
        Span<long> hSums = stackalloc long[_units];
        for (int b = 0; b < rows; b++)
        {
            ReadOnlySpan<TAct> xb = x.Slice(b * _inputSize, _inputSize), hb = h.Slice(b * _units, _units);
            if (int8)
            {
                if (!given) MatMulArithmetic.WidenWithOffset(MemoryMarshal.Cast<TAct, sbyte>(xb), _inputOffset, xRow);
                MatMulArithmetic.WidenWithOffset(MemoryMarshal.Cast<TAct, sbyte>(hb), _hiddenOffset, hRow);
            }
            // int16 activations have no offset here (see Prepare), so they are the rows as they are.
            ReadOnlySpan<short> xs = int8 ? xRow : MemoryMarshal.Cast<TAct, short>(xb), hs = int8 ? hRow : MemoryMarshal.Cast<TAct, short>(hb);
            for (int g = 0; g < 4; g++)
            {
                Span<short> result = (g switch { Forget => forget, InputGate => inputGate, Cell => cellGate, _ => outputGate }).Slice(b * _units, _units);
                if (given) Widen(inputSums.Slice((4 * b + g) * _units, _units), xSums);
                else Int16Dot.Rows(_level, xs, context.Input<sbyte>(InputWeightIndex[g]), _inputSize, _units, xSums);
                Int16Dot.Rows(_level, hs, context.Input<sbyte>(RecurrentWeightIndex[g]), _units, _units, hSums);
                if (int8)
                    LstmArithmetic.GateFromSums(xSums, context.Input<int>(BiasIndex[g]), _inputMultiplier[g], _inputShift[g],
                        hSums, _recurrentMultiplier[g], _recurrentShift[g], result);
                else
                    LstmArithmetic.GateFromSums(xSums, context.Input<long>(BiasIndex[g]), _inputMultiplier[g], _inputShift[g],
                        hSums, _recurrentMultiplier[g], _recurrentShift[g], result);
            }
        }
    }

    /// <summary>The int32 sums as 64-bit values (the form the gates' requantization reads).</summary>
    private static void Widen(ReadOnlySpan<int> sums, Span<long> destination)
    {
        for (int i = 0; i < sums.Length; i++) destination[i] = sums[i];
    }

    // One gate's pre-activation in Q3.12: input and hidden-state products, each requantized and clamped to int16,
    // then added with saturation. The input products may come as int8 sums without the bias (see InputSums).
    private void IntegerGate<TAct>(InvokeContext context, int gate, ReadOnlySpan<TAct> x, ReadOnlySpan<TAct> h, int rows,
        Span<short> result, Span<short> temp, ReadOnlySpan<int> inputSums) where TAct : unmanaged
    {
        ReadOnlySpan<sbyte> wx = context.Input<sbyte>(InputWeightIndex[gate]);
        ReadOnlySpan<sbyte> wh = context.Input<sbyte>(RecurrentWeightIndex[gate]);
        ReadOnlySpan<int> bias32 = _mode == Mode.Int8 ? context.Input<int>(BiasIndex[gate]) : default;
        ReadOnlySpan<long> bias64 = _mode == Mode.Int8 ? default : context.Input<long>(BiasIndex[gate]);
        if (inputSums.IsEmpty) GateProduct(x, wx, bias32, bias64, rows, _inputSize, _inputOffset, _inputMultiplier[gate], _inputShift[gate], result);
        else
            for (int b = 0; b < rows; b++)
                for (int u = 0; u < _units; u++)
                    result[b * _units + u] = LstmArithmetic.RequantizeGate(unchecked(inputSums[(4 * b + gate) * _units + u] + bias32[u]),
                        _inputMultiplier[gate], _inputShift[gate]);
        GateProduct(h, wh, default, default, rows, _units, _hiddenOffset, _recurrentMultiplier[gate], _recurrentShift[gate], temp);
        for (int i = 0; i < result.Length; i++) result[i] = LstmArithmetic.SaturatingAdd(result[i], temp[i]);
    }

    /// <summary>
    /// One fully connected product of a gate, requantized to int16: with int8 activations the sum wraps in 32 bits and
    /// takes an int32 bias (the low 32 bits of the exact sum are the reference's wrapping sum), with int16 activations it
    /// is exact in 64 bits with an int64 bias. The fast form takes the exact sums from <see cref="Int16Dot"/>.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the row and sums are written before they are read
    private void GateProduct<TAct>(ReadOnlySpan<TAct> x, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias32, ReadOnlySpan<long> bias64,
        int rows, int depth, int inputOffset, int multiplier, int shift, Span<short> result) where TAct : unmanaged
    {
        bool int8 = _mode == Mode.Int8, fast = _fastGates;
        int units = _units;
        Span<long> sums = stackalloc long[fast ? units : 0];
        Span<short> row = stackalloc short[fast && int8 ? depth : 0];
        for (int b = 0; b < rows; b++)
        {
            ReadOnlySpan<TAct> xb = x.Slice(b * depth, depth);
            if (fast)
            {
                // int16 activations have no offset here (see Prepare), so they are the row as they are.
                if (int8) MatMulArithmetic.WidenWithOffset(MemoryMarshal.Cast<TAct, sbyte>(xb), inputOffset, row);
                Int16Dot.Rows(_level, int8 ? row : MemoryMarshal.Cast<TAct, short>(xb), weights, depth, units, sums);
            }
            for (int u = 0; u < units; u++)
            {
                long acc;
                if (fast)
                {
                    acc = sums[u];
                }
                else if (int8)
                {
                    // As TFLM's int8 gates: a wrapping 32-bit sum (only its low 32 bits are used below).
                    ReadOnlySpan<sbyte> w = weights.Slice(u * depth, depth);
                    int wrapped = 0;
                    for (int k = 0; k < w.Length; k++) wrapped = unchecked(wrapped + w[k] * (Scalar.ToInt32(xb[k]) + inputOffset));
                    acc = wrapped;
                }
                else
                {
                    ReadOnlySpan<sbyte> w = weights.Slice(u * depth, depth);
                    acc = 0;
                    for (int k = 0; k < w.Length; k++) acc += w[k] * (Scalar.ToInt32(xb[k]) + inputOffset);
                }
                result[b * units + u] = int8
                    ? LstmArithmetic.RequantizeGate(unchecked((int)acc + (bias32.IsEmpty ? 0 : bias32[u])), multiplier, shift)
                    : LstmArithmetic.RequantizeGate(unchecked(acc + (bias64.IsEmpty ? 0 : bias64[u])), multiplier, shift);
            }
        }
    }
}
