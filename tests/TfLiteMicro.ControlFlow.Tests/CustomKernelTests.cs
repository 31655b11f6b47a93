using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.ControlFlow.Tests;

// The kernel of the README's "Writing a kernel" section, as printed there. This assembly sees the core's public API
// only, so the kernel compiling here shows that API is enough for it.
public sealed class MyRelu : IKernel
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        if (context.Input(0).Type != TensorType.Float32) throw context.UnsupportedType("input", context.Input(0).Type);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<float> x = context.Input<float>(0);
        Span<float> y = context.Output<float>(0);
        for (int i = 0; i < x.Length; i++) y[i] = Math.Max(x[i], 0f);
    }
}

/// <summary>The README's custom kernel compiles against the public API, runs, and is the one the README shows.</summary>
public sealed class CustomKernelTests
{
    private static byte[] ReluModel(TensorType type)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        int x = g.AddTensor("x", type, [1, 6]);
        int y = g.AddTensor("y", type, [1, 6]);
        g.AddCustomOperator("MyRelu", [x], [y], ReadOnlySpan<byte>.Empty);
        g.SetInputs(x);
        g.SetOutputs(y);
        return builder.Build();
    }

    [Fact]
    public void ReadmeKernelRuns()
    {
        var resolver = new OpResolver().AddCustom("MyRelu", () => new MyRelu());
        using var interpreter = new MicroInterpreter(Model.Load(ReluModel(TensorType.Float32)), resolver, ArenaPoison.New(4096));
        interpreter.AllocateTensors();
        float[] input = [-2.5f, -0f, 0f, 0.25f, 3f, float.NegativeInfinity];
        input.CopyTo(interpreter.Input(0).AsSpan<float>());
        interpreter.Output(0).AsSpan<float>().Fill(float.NaN);
        interpreter.Invoke();
        Assert.Equal([0f, 0f, 0f, 0.25f, 3f, 0f], interpreter.Output(0).AsReadOnlySpan<float>().ToArray());
    }

    [Fact]
    public void ReadmeKernelRejectsOtherTypes()
    {
        var resolver = new OpResolver().AddCustom("MyRelu", () => new MyRelu());
        using var interpreter = new MicroInterpreter(Model.Load(ReluModel(TensorType.Int8)), resolver, new byte[4096]);
        KernelException error = Assert.Throws<KernelException>(interpreter.AllocateTensors);
        Assert.Contains("INT8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadmeShowsThisKernel()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        int section = readme.IndexOf("## Writing a kernel", StringComparison.Ordinal);
        Assert.True(section >= 0, "README has no \"Writing a kernel\" section");
        int start = readme.IndexOf("```csharp\n", section, StringComparison.Ordinal) + "```csharp\n".Length;
        int end = readme.IndexOf("```", start, StringComparison.Ordinal);
        string[] shown = readme[start..end].Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal)).ToArray();
        string[] source = File.ReadAllLines(Path.Combine(root, "tests", "TfLiteMicro.ControlFlow.Tests", "CustomKernelTests.cs")).Select(l => l.Trim()).ToArray();
        // Every line the README shows appears here, in the same order.
        int at = 0;
        foreach (string line in shown)
        {
            while (at < source.Length && source[at] != line) at++;
            Assert.True(at < source.Length, $"the README's line \"{line}\" is not in this test's kernel (in order)");
            at++;
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TfLiteMicro.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (TfLiteMicro.sln) was not found above the test binaries");
    }
}
