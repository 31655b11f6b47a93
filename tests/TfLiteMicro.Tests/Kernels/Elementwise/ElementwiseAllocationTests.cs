using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Elementwise;

/// <summary>Invoke must not allocate managed memory: every element-wise golden model is run repeatedly and measured.</summary>
public class ElementwiseAllocationTests
{
    private static readonly string[] Prefixes =
    [
        "abs", "add", "addn", "ceil", "cos", "div", "elu", "equal", "exp", "floor", "floordiv", "floormod", "greater",
        "greaterequal", "hardswish", "l2norm", "leakyrelu", "less", "lessequal", "log", "logicaland", "logicalnot",
        "logicalor", "logistic", "logsoftmax", "max", "min", "mul", "neg", "notequal", "prelu", "relu", "relu6", "round",
        "rsqrt", "select", "sin", "softmax", "sqdiff", "sqrt", "square", "sub", "tanh", "zeroslike",
    ];

    [SkippableFact]
    public void InvokeAllocatesNothing()
    {
        SharedData.RequireRoot();
        int checkedCases = 0;
        foreach (string name in GoldenCase.OpCaseNames())
        {
            int underscore = name.IndexOf('_');
            string prefix = underscore > 0 ? name[..underscore] : name;
            if (!Prefixes.Contains(prefix) || !name.EndsWith("_0", StringComparison.Ordinal)) continue;
            GoldenCase c = GoldenCase.Load(SharedData.Path("golden", "ops", name));
            Assert.Null(GoldenRunner.Run(c, OpResolver.WithAllBuiltins(), out MicroInterpreter interpreter));
            // Warm up past tiered compilation, whose rejits would otherwise be counted. On a loaded machine a tier-up can
            // still land inside the measured invokes, so up to three rounds are measured: an Invoke that allocates does so
            // in every round, a rejit in one.
            long allocated = -1;
            for (int round = 0; round < 3 && allocated != 0; round++)
            {
                for (int k = 0; k < 50; k++) interpreter.Invoke();
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int k = 0; k < 5; k++) interpreter.Invoke();
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            Assert.True(allocated == 0, $"{name}: Invoke allocated {allocated} bytes in each of three rounds");
            checkedCases++;
        }
        Assert.True(checkedCases > 0);
    }
}
