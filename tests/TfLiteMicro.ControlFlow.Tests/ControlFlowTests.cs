using TfLiteMicro.Modeling;
using static TfLiteMicro.ControlFlow.Tests.TestModels;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.ControlFlow.Tests;

/// <summary>IF, WHILE and CALL_ONCE with resource variables on models written by <see cref="ModelBuilder"/>; expected values worked out by hand.</summary>
public sealed class ControlFlowTests
{
    // Main: y = IF(cond, x); then-branch: 2x; else-branch: 10 - x.
    private static byte[] IfModel()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        SubgraphBuilder then = builder.AddSubgraph("then");
        SubgraphBuilder otherwise = builder.AddSubgraph("else");

        int cond = main.AddTensor("cond", TensorType.Bool, [1]);
        int x = main.AddTensor("x", TensorType.Float32, [1, 1]);
        int y = main.AddTensor("y", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.If, [cond, x], [y], OperatorOptions.If(1, 2));
        main.SetInputs(cond, x);
        main.SetOutputs(y);

        int tx = then.AddTensor("tx", TensorType.Float32, [1, 1]);
        then.SetInputs(tx);
        then.SetOutputs(Affine(then, tx, 2f, 0f, "twice"));

        int ex = otherwise.AddTensor("ex", TensorType.Float32, [1, 1]);
        otherwise.SetInputs(ex);
        otherwise.SetOutputs(Affine(otherwise, ex, -1f, 10f, "ten_minus"));
        return builder.Build();
    }

    [Theory]
    [InlineData(true, 3f, 6f)]
    [InlineData(false, 3f, 7f)]
    [InlineData(true, -4f, -8f)]
    [InlineData(false, -4f, 14f)]
    public void IfRunsTheChosenBranch(bool condition, float x, float expected)
    {
        using MicroInterpreter interpreter = Interpreter(IfModel());
        interpreter.Input(0).AsSpan<bool>()[0] = condition;
        interpreter.Input(1).AsSpan<float>()[0] = x;
        interpreter.Invoke();
        Assert.Equal(expected, interpreter.Output(0).AsReadOnlySpan<float>()[0]);
    }

    [Fact]
    public void IfSwitchesBranchesBetweenInvokes()
    {
        using MicroInterpreter interpreter = Interpreter(IfModel());
        interpreter.Input(1).AsSpan<float>()[0] = 1f;
        float[] results = new float[4];
        for (int i = 0; i < 4; i++)
        {
            interpreter.Input(0).AsSpan<bool>()[0] = i % 2 == 0;
            interpreter.Invoke();
            results[i] = interpreter.Output(0).AsReadOnlySpan<float>()[0];
        }
        Assert.Equal([2f, 9f, 2f, 9f], results);
    }

    // Carries (i, acc): while i < limit: i += 1, acc *= 2.
    private static byte[] WhileModel(float limit)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        SubgraphBuilder cond = builder.AddSubgraph("cond");
        SubgraphBuilder body = builder.AddSubgraph("body");

        int i = main.AddTensor("i", TensorType.Float32, [1, 1]);
        int acc = main.AddTensor("acc", TensorType.Float32, [1, 1]);
        int iOut = main.AddTensor("i_out", TensorType.Float32, [1, 1]);
        int accOut = main.AddTensor("acc_out", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.While, [i, acc], [iOut, accOut], OperatorOptions.While(1, 2));
        main.SetInputs(i, acc);
        main.SetOutputs(iOut, accOut);

        int ci = cond.AddTensor("ci", TensorType.Float32, [1, 1]);
        int cacc = cond.AddTensor("cacc", TensorType.Float32, [1, 1]);
        int climit = cond.AddConstant<float>("limit", TensorType.Float32, [1, 1], [limit]);
        int more = cond.AddTensor("more", TensorType.Bool, [1]);
        cond.AddCustomOperator(LessThanKernel.Name, [ci, climit], [more]);
        cond.SetInputs(ci, cacc);
        cond.SetOutputs(more);

        int bi = body.AddTensor("bi", TensorType.Float32, [1, 1]);
        int bacc = body.AddTensor("bacc", TensorType.Float32, [1, 1]);
        body.SetInputs(bi, bacc);
        body.SetOutputs(Affine(body, bi, 1f, 1f, "next_i"), Affine(body, bacc, 2f, 0f, "next_acc"));
        return builder.Build();
    }

    [Theory]
    [InlineData(5f, 0f, 1f, 5f, 32f)]
    [InlineData(3f, 0f, 1f, 3f, 8f)]
    [InlineData(5f, 2f, 3f, 5f, 24f)]
    [InlineData(0f, 0f, 7f, 0f, 7f)] // the condition is false at once: the body never runs
    public void WhileCounts(float limit, float i0, float acc0, float expectedI, float expectedAcc)
    {
        OpResolver resolver = OpResolver.WithAllBuiltins().AddCustom(LessThanKernel.Name, () => new LessThanKernel());
        using MicroInterpreter interpreter = Interpreter(WhileModel(limit), resolver);
        interpreter.Input(0).AsSpan<float>()[0] = i0;
        interpreter.Input(1).AsSpan<float>()[0] = acc0;
        interpreter.Invoke();
        Assert.Equal(expectedI, interpreter.Output(0).AsReadOnlySpan<float>()[0]);
        Assert.Equal(expectedAcc, interpreter.Output(1).AsReadOnlySpan<float>()[0]);

        // A second run starts again from the new inputs.
        interpreter.Input(0).AsSpan<float>()[0] = i0;
        interpreter.Input(1).AsSpan<float>()[0] = acc0;
        interpreter.Invoke();
        Assert.Equal(expectedAcc, interpreter.Output(1).AsReadOnlySpan<float>()[0]);
    }

    // CALL_ONCE sets counter = 10; then every Invoke: counter = counter + step, output counter.
    private static byte[] CounterModel()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        SubgraphBuilder init = builder.AddSubgraph("init");

        int step = main.AddTensor("step", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.CallOnce, [], [], OperatorOptions.CallOnce(1));
        int handle = main.AddTensor("handle", TensorType.Resource, []);
        main.AddOperator(BuiltinOperator.VarHandle, [], [handle], OperatorOptions.VarHandle("counter"));
        int value = main.AddTensor("value", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.ReadVariable, [handle], [value], OperatorOptions.ReadVariable());
        int ones = main.AddConstant<float>("ones", TensorType.Float32, [1, 2], [1f, 1f]);
        int pair = main.AddTensor("pair", TensorType.Float32, [1, 2]);
        main.AddOperator(BuiltinOperator.Concatenation, [value, step], [pair], OperatorOptions.Concatenation(1));
        int next = main.AddTensor("next", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.FullyConnected, [pair, ones, -1], [next], OperatorOptions.FullyConnected());
        main.AddOperator(BuiltinOperator.AssignVariable, [handle, next], [], OperatorOptions.AssignVariable());
        main.SetInputs(step);
        main.SetOutputs(next);

        int initHandle = init.AddTensor("init_handle", TensorType.Resource, []);
        init.AddOperator(BuiltinOperator.VarHandle, [], [initHandle], OperatorOptions.VarHandle("counter"));
        int ten = init.AddConstant<float>("ten", TensorType.Float32, [1, 1], [10f]);
        init.AddOperator(BuiltinOperator.AssignVariable, [initHandle, ten], [], OperatorOptions.AssignVariable());
        return builder.Build();
    }

    [Fact]
    public void CallOnceInitialisesAVariableThatPersistsAcrossInvokes()
    {
        using MicroInterpreter interpreter = Interpreter(CounterModel());
        float[] results = new float[3];
        float[] steps = [1f, 2f, 5f];
        for (int i = 0; i < 3; i++)
        {
            interpreter.Input(0).AsSpan<float>()[0] = steps[i];
            interpreter.Invoke();
            results[i] = interpreter.Output(0).AsReadOnlySpan<float>()[0];
        }
        Assert.Equal([11f, 13f, 18f], results);
    }

    [Fact]
    public void ResetClearsTheVariableAndRunsTheInitialisationAgain()
    {
        using MicroInterpreter interpreter = Interpreter(CounterModel());
        // The planner may reuse an input's memory once it has been read, so the input is set before every Invoke.
        float Step()
        {
            interpreter.Input(0).AsSpan<float>()[0] = 1f;
            interpreter.Invoke();
            return interpreter.Output(0).AsReadOnlySpan<float>()[0];
        }
        Assert.Equal(11f, Step());
        Assert.Equal(12f, Step());
        interpreter.Reset();
        Assert.Equal(11f, Step());
        Assert.Equal(12f, Step());
    }

    [Fact]
    public void ReadingAVariableNobodyAssignsIsAnError()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        int handle = main.AddTensor("handle", TensorType.Resource, []);
        main.AddOperator(BuiltinOperator.VarHandle, [], [handle], OperatorOptions.VarHandle("never_assigned"));
        int value = main.AddTensor("value", TensorType.Float32, [1]);
        main.AddOperator(BuiltinOperator.ReadVariable, [handle], [value], OperatorOptions.ReadVariable());
        main.SetOutputs(value);
        using MicroInterpreter interpreter = Interpreter(builder.Build());
        KernelException e = Assert.Throws<KernelException>(interpreter.Invoke);
        Assert.Contains("no ASSIGN_VARIABLE", e.Message);
    }

    [Fact]
    public void IfWithAMissingSubgraphIsRejected()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        int cond = main.AddTensor("cond", TensorType.Bool, [1]);
        int x = main.AddTensor("x", TensorType.Float32, [1, 1]);
        int y = main.AddTensor("y", TensorType.Float32, [1, 1]);
        main.AddOperator(BuiltinOperator.If, [cond, x], [y], OperatorOptions.If(1, 7));
        main.SetInputs(cond, x);
        main.SetOutputs(y);
        var interpreter = new MicroInterpreter(Model.Load(builder.Build()), OpResolver.WithAllBuiltins(), ArenaPoison.New(4096));
        KernelException e = Assert.Throws<KernelException>(interpreter.AllocateTensors);
        Assert.Contains("subgraph", e.Message);
    }
}
