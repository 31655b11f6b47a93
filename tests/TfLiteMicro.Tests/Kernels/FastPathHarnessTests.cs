using TfLiteMicro.Kernels;
using TfLiteMicro.Memory;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels;

/// <summary>
/// The fast-path harness catches the faults it exists for: a kernel whose fast path leaves part of its output unwritten,
/// keeps the previous Invoke's result, or counts on a cleared scratch buffer, and a loop that skips its last element or
/// writes past its end; and it accepts a correct fast path. The faulty kernels are test doubles registered as a custom
/// op, so the harness is proved without breaking a real kernel.
/// </summary>
public sealed class FastPathHarnessTests
{
    private enum Fault { None, SkipsLastElement, WritesOnlyOnFirstInvoke, CountsOnClearedScratch }

    /// <summary>Copies its int8 input to its output; the fast path (any instruction-set level) has <paramref name="fault"/>.</summary>
    private sealed class CopyKernel(Fault fault) : IKernel
    {
        public static readonly byte[] Table = [1, 2, 3, 4];

        private bool _fast, _written;
        private int _scratch;

        public void Prepare(PrepareContext context)
        {
            _fast = !context.UseReferenceKernels;
            _scratch = context.RequestScratch(context.Input(0).ByteCount);
            context.AllocatePersistent<byte>(Table);
        }

        public void Invoke(InvokeContext context)
        {
            ReadOnlySpan<sbyte> input = context.Input<sbyte>(0);
            Span<sbyte> output = context.Output<sbyte>(0);
            Fault active = _fast ? fault : Fault.None;
            if (active == Fault.WritesOnlyOnFirstInvoke && _written) return;
            _written = true;
            if (active == Fault.CountsOnClearedScratch)
            {
                // Adds the scratch buffer in, as a fast path that accumulates into scratch it never cleared would.
                Span<sbyte> scratch = context.Scratch<sbyte>(_scratch);
                for (int i = 0; i < output.Length; i++) output[i] = (sbyte)(input[i] + scratch[i]);
                return;
            }
            int count = active == Fault.SkipsLastElement ? output.Length - 1 : output.Length;
            input[..count].CopyTo(output);
        }
    }

    private static byte[] CopyModel()
    {
        var m = new OperatorModel();
        int x = m.Input(TensorType.Int8, [2, 4], Quant.PerTensor(0.1f));
        m.Output(TensorType.Int8, [2, 4], Quant.PerTensor(0.1f));
        return m.BuildCustom("TEST_COPY", [x]);
    }

    private static OpResolver CopyResolver(Fault fault) => new OpResolver().AddCustom("TEST_COPY", () => new CopyKernel(fault));

    private static string? CompareCopy(Fault fault, int invokes = 1)
        => FastPath.Compare(CopyModel(), new Random(5), "copy", invokes: invokes, resolver: CopyResolver(fault));

    [Fact]
    public void Poisoning_before_an_invoke_covers_every_tensor_and_scratch_buffer_and_keeps_the_persistent_part()
    {
        byte[] arena = new byte[4096];
        using var interpreter = new MicroInterpreter(Model.Load(CopyModel()), CopyResolver(Fault.None), arena);
        interpreter.AllocateTensors();
        IReadOnlyList<MemoryPlanEntry> plan = interpreter.MemoryPlan;
        Assert.Contains(plan, e => e.Kind == "tensor");
        Assert.Contains(plan, e => e.Kind == "scratch");
        MemoryPlanEntry persistent = Assert.Single(plan, e => e.Kind == "persistent");

        long poisoned = ArenaPoison.PoisonPlanned(interpreter, arena, ArenaPoison.Fast);
        Assert.Equal(plan.Where(e => e.Kind is "tensor" or "scratch").Sum(e => (long)e.Size), poisoned);
        foreach (MemoryPlanEntry entry in plan.Where(e => e.Kind is "tensor" or "scratch"))
            Assert.True(arena.AsSpan(entry.Offset, entry.Size).IndexOfAnyExcept(ArenaPoison.Fast) < 0, $"{entry.Name} is not poisoned");
        Assert.Equal(CopyKernel.Table, arena.AsSpan(persistent.Offset, persistent.Size).ToArray());
    }

    [Fact]
    public void A_correct_fast_path_passes() => Assert.Null(CompareCopy(Fault.None, invokes: 3));

    [Fact]
    public void A_fast_path_that_skips_its_last_element_fails_even_where_the_arena_held_the_right_value()
    {
        string? difference = CompareCopy(Fault.SkipsLastElement);
        Assert.NotNull(difference);
        Assert.Contains("element 7 [1,3]", difference);
        Assert.Contains("never written", difference);
        Assert.Contains("1 of 8 elements differ", difference);
    }

    [Fact]
    public void A_fast_path_that_keeps_the_previous_result_fails_on_the_next_invoke()
    {
        Assert.Null(CompareCopy(Fault.WritesOnlyOnFirstInvoke, invokes: 1));
        string? difference = CompareCopy(Fault.WritesOnlyOnFirstInvoke, invokes: 2);
        Assert.NotNull(difference);
        Assert.Contains("invoke 2", difference);
    }

    [Fact]
    public void A_fast_path_that_counts_on_a_cleared_scratch_buffer_fails() => Assert.NotNull(CompareCopy(Fault.CountsOnClearedScratch));

    [Fact]
    public void A_fast_loop_that_skips_its_last_element_fails()
    {
        string? difference = FastPath.CompareLoop<short>(37,
            output => { for (int i = 0; i < output.Length; i++) output[i] = (short)(3 * i); },
            (_, output) => { for (int i = 0; i < output.Length - 1; i++) output[i] = (short)(3 * i); },
            "times three");
        Assert.NotNull(difference);
        Assert.Contains("element 36 is -109", difference);
        Assert.Contains("never written", difference);
    }

    [Fact]
    public void A_fast_loop_that_writes_past_its_end_fails()
    {
        string? difference = FastPath.CompareLoop<int>(10,
            output => output.Fill(7),
            (_, output) =>
            {
                output.Fill(7);
                System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref output[0], output.Length + 1)[^1] = 7; // one past the end
            },
            "sevens");
        Assert.NotNull(difference);
        Assert.Contains("past the end", difference);
    }
}
