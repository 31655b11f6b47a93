using System.Runtime.InteropServices;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>A one-operator model made with the project's writer: runtime inputs, constants, outputs, then run.</summary>
internal sealed class SingleOp
{
    private readonly ModelBuilder _builder = new();
    private readonly SubgraphBuilder _graph;
    private readonly List<int> _inputs = [];
    private readonly List<int> _outputs = [];
    private readonly List<byte[]> _inputData = [];

    public SingleOp() => _graph = _builder.AddSubgraph("main");

    public static QuantizationParameters Quant(float scale, int zeroPoint) => new([scale], [zeroPoint], 0);

    /// <summary>A runtime input holding <paramref name="values"/>.</summary>
    public int Input<T>(TensorType type, int[] shape, T[] values, QuantizationParameters? q = null) where T : unmanaged
    {
        int t = _graph.AddTensor($"in{_inputs.Count}", type, shape, q);
        _inputs.Add(t);
        _inputData.Add(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        return t;
    }

    public int Const<T>(TensorType type, int[] shape, T[] values, QuantizationParameters? q = null) where T : unmanaged
        => _graph.AddConstant<T>($"c{_graph.TensorCount}", type, shape, values, q);

    public int Output(TensorType type, int[] shape, QuantizationParameters? q = null)
    {
        int t = _graph.AddTensor($"out{_outputs.Count}", type, shape, q);
        _outputs.Add(t);
        return t;
    }

    /// <summary>Builds the model, allocates and copies the inputs in (input bytes are truncated or zero-padded to the tensor's size).</summary>
    public MicroInterpreter Prepare(BuiltinOperator op, int[] inputs, OperatorOptions? options = null)
    {
        _graph.AddOperator(op, inputs, [.. _outputs], options);
        _graph.SetInputs([.. _inputs]);
        _graph.SetOutputs([.. _outputs]);
        Model model = Model.Load(_builder.Build());
        var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), new byte[1 << 18]);
        interpreter.AllocateTensors();
        for (int i = 0; i < _inputs.Count; i++)
        {
            Span<byte> target = interpreter.Input(i).AsSpan<byte>();
            target.Clear();
            ReadOnlySpan<byte> data = _inputData[i];
            data[..Math.Min(data.Length, target.Length)].CopyTo(target);
        }
        return interpreter;
    }

    /// <summary>Prepares and invokes; returns the interpreter for reading outputs.</summary>
    public MicroInterpreter Run(BuiltinOperator op, int[] inputs, OperatorOptions? options = null)
    {
        MicroInterpreter interpreter = Prepare(op, inputs, options);
        interpreter.Invoke();
        return interpreter;
    }

    public static T[] Read<T>(MicroInterpreter interpreter, int output = 0) where T : unmanaged
        => interpreter.Output(output).AsReadOnlySpan<T>().ToArray();

    /// <summary>Options tables by their union tag in the schema's BuiltinOptions.</summary>
    public static class Options
    {
        public static OperatorOptions StridedSlice(int begin, int end, int ellipsis, int newAxis, int shrink, bool offset = false)
            => OperatorOptions.Create(32, w => w.Int32(0, begin).Int32(1, end).Int32(2, ellipsis).Int32(3, newAxis).Int32(4, shrink).Bool(5, offset));
        public static OperatorOptions Reducer(bool keepDims) => OperatorOptions.Create(27, w => w.Bool(0, keepDims));
        public static OperatorOptions Gather(int axis, int batchDims = 0) => OperatorOptions.Create(23, w => w.Int32(0, axis).Int32(1, batchDims));
        public static OperatorOptions ResizeBilinear(bool align, bool half) => OperatorOptions.Create(15, w => w.Bool(2, align).Bool(3, half));
        public static OperatorOptions ResizeNearest(bool align, bool half) => OperatorOptions.Create(74, w => w.Bool(0, align).Bool(1, half));
        public static OperatorOptions Cumsum(bool exclusive, bool reverse) => OperatorOptions.Create(102, w => w.Bool(0, exclusive).Bool(1, reverse));
        public static OperatorOptions MirrorPad(bool symmetric) => OperatorOptions.Create(77, w => w.SByte(0, (sbyte)(symmetric ? 1 : 0)));
        public static OperatorOptions DepthToSpace(int block) => OperatorOptions.Create(94, w => w.Int32(0, block));
        public static OperatorOptions SpaceToDepth(int block) => OperatorOptions.Create(19, w => w.Int32(0, block));
        public static OperatorOptions Pack(int count, int axis) => OperatorOptions.Create(59, w => w.Int32(0, count).Int32(1, axis));
        public static OperatorOptions Unpack(int num, int axis) => OperatorOptions.Create(64, w => w.Int32(0, num).Int32(1, axis));
        public static OperatorOptions Split(int num) => OperatorOptions.Create(35, w => w.Int32(0, num));
        public static OperatorOptions SplitV(int num) => OperatorOptions.Create(79, w => w.Int32(0, num));
        public static OperatorOptions Squeeze(params int[] dims) => OperatorOptions.Create(30, w => w.Int32Array(0, dims));
    }
}
