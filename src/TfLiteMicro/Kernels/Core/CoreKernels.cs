using TfLiteMicro.Kernels;

namespace TfLiteMicro;

// Registration of the core kernels, one method per op (why: see OpResolver.cs).
public sealed partial class OpResolver
{
    /// <summary>Registers the FULLY_CONNECTED kernel.</summary>
    public OpResolver AddFullyConnected() => Add(BuiltinOperator.FullyConnected, static () => new FullyConnected());

    /// <summary>Registers the QUANTIZE kernel.</summary>
    public OpResolver AddQuantize() => Add(BuiltinOperator.Quantize, static () => new Quantize());

    /// <summary>Registers the DEQUANTIZE kernel.</summary>
    public OpResolver AddDequantize() => Add(BuiltinOperator.Dequantize, static () => new Dequantize());

    /// <summary>Registers the RESHAPE kernel.</summary>
    public OpResolver AddReshape() => Add(BuiltinOperator.Reshape, static () => new Reshape());
}
