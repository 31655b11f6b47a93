using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>The shape, data-movement, reduction and resize kernels allocate nothing in Invoke (one golden case per op and type).</summary>
public sealed class ShapeZeroAllocationTests
{
    private static readonly string[] Prefixes =
    [
        "argmax", "argmin", "batchtospace", "broadcastto", "cast", "concat", "cumsum", "depthtospace", "expanddims", "fill",
        "gather", "mean", "mirrorpad", "pack", "pad", "padv2", "reduceall", "reducemax", "reducemin", "resizebilinear", "resizenn",
        "reversev2", "slice", "spacetobatch", "spacetodepth", "split", "squeeze", "stridedslice", "sum", "transpose", "unpack",
    ];

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in GoldenCase.OpCaseNames())
        {
            if (!name.EndsWith("_0", StringComparison.Ordinal)) continue;
            string op = name[..name.IndexOf('_')];
            if (Array.IndexOf(Prefixes, op) >= 0) data.Add(name);
        }
        if (data.Count == 0) data.Add(SharedData.NoCases);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void InvokeAllocatesNothing(string caseName)
    {
        if (caseName == SharedData.NoCases) SharedData.RequireCases("golden", "ops");
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", "ops", caseName));
        Model model = Model.Load(File.ReadAllBytes(c.ModelPath));
        using var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 20));
        interpreter.AllocateTensors();
        for (int i = 0; i < interpreter.InputCount; i++) interpreter.Input(i).CopyFrom(c.ReadInput(i));
        long allocated = long.MaxValue;
        // The first rounds may include JIT tiering; the kernels themselves must reach zero.
        for (int round = 0; round < 10 && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) interpreter.Invoke();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Assert.Equal(0, allocated);
    }
}
