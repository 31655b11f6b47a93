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
            // Warm up past tiered compilation, whose rejits would otherwise be counted.
            for (int k = 0; k < 50; k++) interpreter.Invoke();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < 5; k++) interpreter.Invoke();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name}: Invoke allocated {allocated} bytes");
            checkedCases++;
        }
        Assert.True(checkedCases > 0);
    }
}
