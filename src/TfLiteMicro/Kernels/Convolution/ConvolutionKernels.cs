using TfLiteMicro.Kernels;

namespace TfLiteMicro;

// Registration of the convolution and pooling kernels, one method per op (why: see OpResolver.cs).
public sealed partial class OpResolver
{
    /// <summary>Registers the CONV_2D kernel.</summary>
    public OpResolver AddConv2D() => Add(BuiltinOperator.Conv2D, static () => new Conv2D());

    /// <summary>Registers the DEPTHWISE_CONV_2D kernel.</summary>
    public OpResolver AddDepthwiseConv2D() => Add(BuiltinOperator.DepthwiseConv2D, static () => new DepthwiseConv2D());

    /// <summary>Registers the AVERAGE_POOL_2D kernel.</summary>
    public OpResolver AddAveragePool2D() => Add(BuiltinOperator.AveragePool2D, static () => new AveragePool2D());

    /// <summary>Registers the MAX_POOL_2D kernel.</summary>
    public OpResolver AddMaxPool2D() => Add(BuiltinOperator.MaxPool2D, static () => new MaxPool2D());

    /// <summary>Registers the L2_POOL_2D kernel.</summary>
    public OpResolver AddL2Pool2D() => Add(BuiltinOperator.L2Pool2D, static () => new L2Pool2D());
}
