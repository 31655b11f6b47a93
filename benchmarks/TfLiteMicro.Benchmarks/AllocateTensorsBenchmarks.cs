using BenchmarkDotNet.Attributes;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Benchmarks;

/// <summary>
/// Model.Load and AllocateTensors on a chain of subgraphs (each IF calling the next, as control-flow-heavy models
/// do): both should grow linearly with the number of subgraphs.
/// </summary>
[MemoryDiagnoser]
public class AllocateTensorsBenchmarks
{
    private byte[] _bytes = [];
    private Model? _model;
    private readonly OpResolver _resolver = OpResolver.WithAllBuiltins();
    private readonly byte[] _arena = new byte[64 << 20];

    [Params(1_000, 10_000, 30_000)]
    public int Subgraphs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bytes = IfChain(Subgraphs);
        _model = Model.Load(_bytes);
    }

    [Benchmark]
    public Model Load() => Model.Load(_bytes);

    [Benchmark]
    public int AllocateTensors()
    {
        var interpreter = new MicroInterpreter(_model!, _resolver, _arena);
        interpreter.AllocateTensors();
        return interpreter.ArenaUsedBytes;
    }

    /// <summary>Subgraph k (k &lt; n - 1) runs IF(true, x) into subgraph k + 1; the last one adds x to itself.</summary>
    public static byte[] IfChain(int subgraphs)
    {
        var builder = new ModelBuilder();
        for (int k = 0; k < subgraphs; k++)
        {
            SubgraphBuilder g = builder.AddSubgraph();
            int condition = k == 0 ? g.AddTensor("c", TensorType.Bool, [1]) : g.AddConstant("c", TensorType.Bool, [1], new byte[] { 1 });
            int x = g.AddTensor("x", TensorType.Float32, [4]);
            int y = g.AddTensor("y", TensorType.Float32, [4]);
            if (k < subgraphs - 1)
                g.AddOperator(BuiltinOperator.If, [condition, x], [y], OperatorOptions.Create(92, w => w.Int32(0, k + 1).Int32(1, k + 1)));
            else
                g.AddOperator(BuiltinOperator.Add, [x, x], [y], OperatorOptions.Add());
            if (k == 0) g.SetInputs(condition, x);
            else g.SetInputs(x);
            g.SetOutputs(y);
        }
        return builder.Build();
    }
}
