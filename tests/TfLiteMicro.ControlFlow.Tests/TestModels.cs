using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.ControlFlow.Tests;

/// <summary>Small building blocks for the hand-made test models.</summary>
internal static class TestModels
{
    /// <summary>y = w * x + b on float [1, 1] tensors, as a FULLY_CONNECTED with constant weight and bias.</summary>
    public static int Affine(SubgraphBuilder g, int x, float w, float b, string name)
    {
        int weight = g.AddConstant<float>(name + "_w", TensorType.Float32, [1, 1], [w]);
        int bias = g.AddConstant<float>(name + "_b", TensorType.Float32, [1], [b]);
        int y = g.AddTensor(name, TensorType.Float32, [1, 1]);
        g.AddOperator(BuiltinOperator.FullyConnected, [x, weight, bias], [y], OperatorOptions.FullyConnected());
        return y;
    }

    public static MicroInterpreter Interpreter(byte[] model, OpResolver? resolver = null)
    {
        var interpreter = new MicroInterpreter(Model.Load(model), resolver ?? OpResolver.WithAllBuiltins(), ArenaPoison.New(64 * 1024));
        interpreter.AllocateTensors();
        return interpreter;
    }
}

/// <summary>A test-only comparison kernel: output[0] = input0[0] &lt; input1[0] (float inputs, bool output).</summary>
internal sealed class LessThanKernel : IKernel
{
    public const string Name = "TEST_LESS";

    public void Prepare(PrepareContext context) => context.ExpectCounts(2, 2, 1);

    public void Invoke(InvokeContext context)
        => context.Output<bool>(0)[0] = context.Input<float>(0)[0] < context.Input<float>(1)[0];
}
