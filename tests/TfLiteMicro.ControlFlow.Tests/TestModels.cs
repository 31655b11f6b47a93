using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.ControlFlow.Tests;

/// <summary>Small building blocks for the hand-made test models.</summary>
internal static class TestModels
{
    public static OperatorOptions If(int thenSubgraph, int elseSubgraph) => OperatorOptions.Create(92, w => w.Int32(0, thenSubgraph).Int32(1, elseSubgraph));
    public static OperatorOptions While(int condSubgraph, int bodySubgraph) => OperatorOptions.Create(93, w => w.Int32(0, condSubgraph).Int32(1, bodySubgraph));
    public static OperatorOptions CallOnce(int initSubgraph) => OperatorOptions.Create(103, w => w.Int32(0, initSubgraph));
    public static OperatorOptions VarHandle(string sharedName) => OperatorOptions.Create(111, w => w.String(0, "").String(1, sharedName));
    public static OperatorOptions ReadVariable() => OperatorOptions.Create(112, _ => { });
    public static OperatorOptions AssignVariable() => OperatorOptions.Create(113, _ => { });

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
        var interpreter = new MicroInterpreter(Model.Load(model), resolver ?? OpResolver.WithAllBuiltins(), new byte[64 * 1024]);
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
