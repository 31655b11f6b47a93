using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Signal.Tests;

/// <summary>
/// Fast paths against the reference, so that a fast path cannot pass by accident: outputs and arenas start full of
/// poison (a different pattern on each side), a fast output starts as the bitwise complement of the reference's
/// result (an element left unwritten can never agree), and elements past an output's end must keep their poison.
/// Every instruction-set level this processor has runs (<see cref="Simd.Limit"/>); CI runs the classes named
/// ...PropertyTests again with the runtime's AVX-VNNI, AVX2 and all hardware intrinsics switched off.
/// TFLM_PROPERTY_CASES sets the number of random cases.
/// </summary>
internal static class FastPaths
{
    public const byte ReferencePoison = 0xA5, FastPoison = 0x5A;
    private const int GuardElements = 16;

    public static int Cases(int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable("TFLM_PROPERTY_CASES"), out int n) && n > 0 ? n : fallback;

    /// <summary>Every level this processor has, from the scalar one (a fast function's own fallback) up.</summary>
    public static IEnumerable<SimdLevel> Levels()
    {
        for (var level = SimdLevel.Reference; level <= Simd.Supported; level++)
            if (Simd.IsAvailable(level)) yield return level;
    }

    /// <summary>
    /// <paramref name="fast"/> writes at every level what <paramref name="reference"/> writes into an output of
    /// <paramref name="length"/> elements, bit for bit, and nothing past its end.
    /// </summary>
    public static void AssertLoop<T>(int length, Action<Span<T>> reference, Action<SimdLevel, Span<T>> fast, string description) where T : unmanaged
    {
        T[] expected = new T[length + GuardElements];
        Span<byte> expectedBytes = MemoryMarshal.AsBytes(expected.AsSpan());
        expectedBytes.Fill(ReferencePoison);
        reference(expected.AsSpan(0, length));
        int size = length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        AssertGuard(expectedBytes[size..], ReferencePoison, $"{description}, reference");
        T[] actual = new T[length + GuardElements];
        Span<byte> actualBytes = MemoryMarshal.AsBytes(actual.AsSpan());
        foreach (SimdLevel level in Levels())
        {
            for (int i = 0; i < size; i++) actualBytes[i] = (byte)~expectedBytes[i];
            actualBytes[size..].Fill(FastPoison);
            fast(level, actual.AsSpan(0, length));
            int at = actualBytes[..size].CommonPrefixLength(expectedBytes[..size]);
            if (at < size)
            {
                int i = at / (size / length);
                Assert.Fail($"{description}, level {level}: element {i} is {actual[i]}, the reference gives {expected[i]}");
            }
            AssertGuard(actualBytes[size..], FastPoison, $"{description}, level {level}");
        }
    }

    private static void AssertGuard(ReadOnlySpan<byte> guard, byte poison, string description)
    {
        int at = guard.IndexOfAnyExcept(poison);
        if (at >= 0) Assert.Fail($"{description}: wrote byte {at} past the end of the output");
    }

    /// <summary>
    /// Runs the model with the reference kernels and at every level, <paramref name="invokes"/> Invokes on one interpreter
    /// per side with the inputs <paramref name="fill"/> writes (call, input, bytes), and asserts every output of every
    /// Invoke is the reference's, bit for bit (float32 too: the ops compared compute in integers).
    /// </summary>
    public static void AssertModel(byte[] modelBytes, OpResolver resolver, Action<int, int, Span<byte>> fill, string description, int invokes = 1)
    {
        Model model = Model.Load(modelBytes);
        var inputs = new List<byte[][]>();
        var expected = new List<byte[][]>();
        (MicroInterpreter reference, byte[] referenceArena) = Start(model, resolver, ReferencePoison, useReference: true);
        using (reference)
        {
            for (int call = 0; call < invokes; call++)
            {
                var callInputs = new byte[reference.InputCount][];
                for (int k = 0; k < callInputs.Length; k++)
                {
                    callInputs[k] = new byte[reference.Input(k).ByteCount];
                    fill(call, k, callInputs[k]);
                }
                inputs.Add(callInputs);
                Invoke(reference, referenceArena, callInputs, ReferencePoison, complements: null);
                expected.Add([.. Enumerable.Range(0, reference.OutputCount).Select(k => reference.Output(k).AsReadOnlySpan<byte>().ToArray())]);
            }
        }
        for (SimdLevel level = SimdLevel.Vector128; level <= Simd.Supported; level++)
        {
            if (!Simd.IsAvailable(level)) continue;
            Simd.Limit = level;
            try
            {
                (MicroInterpreter fast, byte[] fastArena) = Start(model, resolver, FastPoison, useReference: false);
                using var disposeFast = fast;
                for (int call = 0; call < invokes; call++)
                {
                    Invoke(fast, fastArena, inputs[call], FastPoison, expected[call]);
                    for (int k = 0; k < fast.OutputCount; k++)
                    {
                        ReadOnlySpan<byte> actual = fast.Output(k).AsReadOnlySpan<byte>();
                        if (actual.SequenceEqual(expected[call][k])) continue;
                        int at = actual.CommonPrefixLength(expected[call][k]);
                        Assert.Fail($"{description}, level {level}, invoke {call + 1}: output {k} ({fast.Output(k).Type}) differs from byte {at} " +
                            $"(element {at / TensorTypes.ElementSize(fast.Output(k).Type)})");
                    }
                }
            }
            finally
            {
                Simd.Limit = null;
            }
        }
    }

    private static (MicroInterpreter, byte[]) Start(Model model, OpResolver resolver, byte poison, bool useReference)
    {
        var arena = new byte[1 << 20];
        arena.AsSpan().Fill(poison);
        var interpreter = new MicroInterpreter(model, resolver, arena, new InterpreterOptions { UseReferenceKernels = useReference });
        interpreter.AllocateTensors();
        return (interpreter, arena);
    }

    /// <summary>Poisons every planned tensor and scratch buffer, writes the inputs, prefills the outputs with the complement of the reference's, invokes.</summary>
    private static void Invoke(MicroInterpreter interpreter, Span<byte> arena, byte[][] inputs, byte poison, byte[][]? complements)
    {
        foreach (var entry in interpreter.MemoryPlan)
            if (entry.Kind is "tensor" or "scratch") arena.Slice(entry.Offset, entry.Size).Fill(poison);
        if (complements is not null)
        {
            for (int k = 0; k < interpreter.OutputCount; k++)
            {
                Span<byte> output = interpreter.Output(k).AsSpan<byte>();
                for (int i = 0; i < output.Length; i++) output[i] = (byte)~complements[k][i];
            }
        }
        for (int k = 0; k < inputs.Length; k++) inputs[k].CopyTo(interpreter.Input(k).AsSpan<byte>());
        interpreter.Invoke();
    }
}
