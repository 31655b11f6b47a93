using TfLiteMicro.Modeling;
using static TfLiteMicro.ControlFlow.Tests.TestModels;

namespace TfLiteMicro.ControlFlow.Tests;

/// <summary>Invoke of the control-flow and variable kernels allocates no managed memory.</summary>
public sealed class ZeroAllocationTests
{
    private static long AllocatedBy(MicroInterpreter interpreter, Action prepareInputs)
    {
        for (int i = 0; i < 5; i++)
        {
            prepareInputs();
            interpreter.Invoke();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            prepareInputs();
            interpreter.Invoke();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void WhileAndIfAllocateNothing()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        SubgraphBuilder cond = builder.AddSubgraph("cond");
        SubgraphBuilder body = builder.AddSubgraph("body");
        SubgraphBuilder then = builder.AddSubgraph("then");
        SubgraphBuilder otherwise = builder.AddSubgraph("else");

        int i = main.AddTensor("i", TensorType.Float32, [1, 1]);
        int iOut = main.AddTensor("i_out", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.While, [i], [iOut], OperatorOptions.While(1, 2));
        int flag = main.AddTensor("flag", TensorType.Bool, [1]);
        int y = main.AddTensor("y", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.If, [flag, iOut], [y], OperatorOptions.If(3, 4));
        main.SetInputs(i, flag);
        main.SetOutputs(y);

        int ci = cond.AddTensor("ci", TensorType.Float32, [1, 1]);
        int limit = cond.AddConstant<float>("limit", TensorType.Float32, [1, 1], [8f]);
        int more = cond.AddTensor("more", TensorType.Bool, [1]);
        cond.AddCustomOperator(LessThanKernel.Name, [ci, limit], [more]);
        cond.SetInputs(ci);
        cond.SetOutputs(more);

        int bi = body.AddTensor("bi", TensorType.Float32, [1, 1]);
        body.SetInputs(bi);
        body.SetOutputs(Affine(body, bi, 1f, 1f, "next"));

        int tx = then.AddTensor("tx", TensorType.Float32, [1, 1]);
        then.SetInputs(tx);
        then.SetOutputs(Affine(then, tx, 2f, 0f, "twice"));
        int ex = otherwise.AddTensor("ex", TensorType.Float32, [1, 1]);
        otherwise.SetInputs(ex);
        otherwise.SetOutputs(Affine(otherwise, ex, -1f, 0f, "negate"));

        OpResolver resolver = OpResolver.WithAllBuiltins().AddCustom(LessThanKernel.Name, () => new LessThanKernel());
        using MicroInterpreter interpreter = Interpreter(builder.Build(), resolver);
        int n = 0;
        long allocated = AllocatedBy(interpreter, () =>
        {
            interpreter.Input(0).AsSpan<float>()[0] = 0f;
            interpreter.Input(1).AsSpan<bool>()[0] = (n++ & 1) == 0;
        });
        Assert.Equal(0, allocated);
        Assert.Equal(n % 2 == 1 ? 16f : -8f, interpreter.Output(0).AsReadOnlySpan<float>()[0]);
    }

    [Fact]
    public void VariablesAndCallOnceAllocateNothing()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        SubgraphBuilder init = builder.AddSubgraph("init");
        int x = main.AddTensor("x", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.CallOnce, [], [], OperatorOptions.CallOnce(1));
        int handle = main.AddTensor("handle", TensorType.Resource, []);
        main.AddOperator(BuiltinOperator.VarHandle, [], [handle], OperatorOptions.VarHandle("v"));
        int value = main.AddTensor("value", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.ReadVariable, [handle], [value], OperatorOptions.ReadVariable());
        main.AddOperator(BuiltinOperator.AssignVariable, [handle, x], [], OperatorOptions.AssignVariable());
        main.SetInputs(x);
        main.SetOutputs(value);
        int initHandle = init.AddTensor("init_handle", TensorType.Resource, []);
        init.AddOperator(BuiltinOperator.VarHandle, [], [initHandle], OperatorOptions.VarHandle("v"));
        int seven = init.AddConstant<float>("seven", TensorType.Float32, [1, 1], [7f]);
        init.AddOperator(BuiltinOperator.AssignVariable, [initHandle, seven], [], OperatorOptions.AssignVariable());

        using MicroInterpreter interpreter = Interpreter(builder.Build());
        interpreter.Input(0).AsSpan<float>()[0] = 3f;
        interpreter.Invoke();
        Assert.Equal(7f, interpreter.Output(0).AsReadOnlySpan<float>()[0]); // read before this call's assignment
        float next = 4f;
        long allocated = AllocatedBy(interpreter, () => interpreter.Input(0).AsSpan<float>()[0] = next++);
        Assert.Equal(0, allocated);
        Assert.Equal(next - 2, interpreter.Output(0).AsReadOnlySpan<float>()[0]);
    }
}
