using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Interpreter;

/// <summary>Tables a kernel computes in Prepare and hands to the arena: copied there, counted, read back in Invoke.</summary>
public sealed class PersistentContentsTests
{
    /// <summary>Adds a table precomputed in Prepare to each input value.</summary>
    private sealed class AddTableKernel : IKernel
    {
        private int _table = -1;

        public void Prepare(PrepareContext context)
        {
            int n = context.Input(0).ElementCount;
            var table = new int[n];
            for (int i = 0; i < n; i++) table[i] = 1000 * (i + 1);
            _table = context.AllocatePersistent<int>(table);
        }

        public void Invoke(InvokeContext context)
        {
            ReadOnlySpan<int> input = context.Input<int>(0);
            ReadOnlySpan<int> table = context.Persistent<int>(_table);
            Span<int> output = context.Output<int>(0);
            for (int i = 0; i < output.Length; i++) output[i] = input[i] + table[i];
        }
    }

    private static byte[] BuildModel(int n)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph();
        int input = graph.AddTensor("in", TensorType.Int32, [n]);
        int output = graph.AddTensor("out", TensorType.Int32, [n]);
        graph.AddCustomOperator("ADD_TABLE", [input], [output]);
        graph.SetInputs(input);
        graph.SetOutputs(output);
        return builder.Build();
    }

    [Fact]
    public void TableIsInTheArenaCountedAsPersistentAndReadInInvoke()
    {
        Model model = Model.Load(BuildModel(5));
        var resolver = new OpResolver().AddCustom("ADD_TABLE", static () => new AddTableKernel());
        var withoutTable = new OpResolver().AddCustom("ADD_TABLE", static () => new ZeroKernel());
        var arena = new byte[4096];

        using var plain = new MicroInterpreter(model, withoutTable, new byte[4096]);
        plain.AllocateTensors();
        using var interpreter = new MicroInterpreter(model, resolver, arena);
        interpreter.AllocateTensors();
        // 5 ints, 16-byte aligned: 32 more persistent bytes than the same model without the table.
        Assert.Equal(plain.ArenaUsage.PersistentBytes + 32, interpreter.ArenaUsage.PersistentBytes);

        interpreter.Input(0).AsSpan<int>().Fill(7);
        interpreter.Invoke();
        Assert.Equal([1007, 2007, 3007, 4007, 5007], interpreter.Output(0).AsReadOnlySpan<int>().ToArray());
        // Reset clears state, not precomputed tables.
        interpreter.Reset();
        interpreter.Invoke();
        Assert.Equal(5007, interpreter.Output(0).AsReadOnlySpan<int>()[4]);
    }

    private sealed class ZeroKernel : IKernel
    {
        public void Prepare(PrepareContext context) { }
        public void Invoke(InvokeContext context) => context.Output<int>(0).Clear();
    }
}
