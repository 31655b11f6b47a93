using System.Runtime.InteropServices;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>A one-operator model (<see cref="OperatorModel"/>) with the values of its runtime inputs, ready to run.</summary>
internal sealed class SingleOp
{
    private readonly OperatorModel _model = new();
    private readonly List<byte[]> _inputData = [];

    public static QuantizationParameters Quant(float scale, int zeroPoint) => Support.Quant.PerTensor(scale, zeroPoint);

    /// <summary>A runtime input holding <paramref name="values"/>.</summary>
    public int Input<T>(TensorType type, int[] shape, T[] values, QuantizationParameters? q = null) where T : unmanaged
    {
        _inputData.Add(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        return _model.Input(type, shape, q);
    }

    public int Const<T>(TensorType type, int[] shape, T[] values, QuantizationParameters? q = null) where T : unmanaged
        => _model.Constant(type, shape, values, q);

    public int Output(TensorType type, int[] shape, QuantizationParameters? q = null) => _model.Output(type, shape, q);

    /// <summary>Builds the model, allocates and copies the inputs in (input bytes are truncated or zero-padded to the tensor's size).</summary>
    public MicroInterpreter Prepare(BuiltinOperator op, int[] inputs, OperatorOptions? options = null)
    {
        Model model = Model.Load(_model.Build(op, inputs, options));
        var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 18));
        interpreter.AllocateTensors();
        for (int i = 0; i < _inputData.Count; i++)
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
}
