using System.Runtime.InteropServices;
using System.Text;
using TfLiteMicro.Kernels;
using TfLiteMicro.Signal;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels;

/// <summary>Writes the inputs of one Invoke: <paramref name="bytes"/> is graph input <paramref name="input"/>.</summary>
internal delegate void InputFill(int input, Span<byte> bytes);

/// <summary>A loop under test writing its whole output (the reference loop, or a fast loop at one level).</summary>
internal delegate void LoopRun<T>(Span<T> output) where T : unmanaged;

/// <summary>A fast loop written for <paramref name="level"/>.</summary>
internal delegate void LevelLoopRun<T>(SimdLevel level, Span<T> output) where T : unmanaged;

/// <summary>
/// Fast paths against the reference, so that a fast path cannot pass by accident. A model runs once with the reference
/// kernels and once per instruction-set level this processor has (<see cref="Simd.Limit"/>), each side on its own
/// arena: the arena is full of its side's poison before AllocateTensors, every tensor and scratch buffer is poisoned
/// again before each Invoke, and the fast side's outputs are filled with the bitwise complement of the reference's
/// result, so an element a fast path leaves unwritten can never equal the reference. A loop (a reference function and
/// its fast versions over the same parameters) runs the same way on poisoned spans with a guard past their end.
/// Integer results must be equal bit for bit, float32 ones within a relative tolerance; a difference is described
/// by level, output, element, its coordinates, the values around it and how many elements differ.
/// This file has no test-framework dependency (the Arm64 check links it); <c>FastPath.cs</c> holds the assertions.
/// </summary>
internal static partial class FastPath
{
    /// <summary>Elements checked past the end of a loop's output, and arena bytes checked past the end of the plan.</summary>
    private const int GuardElements = 16, GuardBytes = 256;

    /// <summary>
    /// Every optimized level this processor has, from the portable one up; with <paramref name="includeReference"/> the
    /// scalar level first (a fast loop's own fallback; for kernels, the reference level is the reference).
    /// </summary>
    public static IEnumerable<SimdLevel> Levels(bool includeReference = false)
    {
        for (var level = includeReference ? SimdLevel.Reference : SimdLevel.Vector128; level <= Simd.Supported; level++)
            if (Simd.IsAvailable(level)) yield return level;
    }

    /// <summary>
    /// Runs <paramref name="modelBytes"/> with the reference kernels and at every level on the same inputs (<paramref name="fill"/>,
    /// or <see cref="FillRandomly"/>), <paramref name="invokes"/> times on one interpreter per side; null when every output
    /// agrees, else what differs first. Float32 outputs may differ by <paramref name="floatTolerance"/> × max(1, |reference|).
    /// <paramref name="prearrangeWeights"/> sets <see cref="InterpreterOptions.PrearrangeWeights"/> on the fast side.
    /// </summary>
    public static string? Compare(byte[] modelBytes, Random random, string description, double floatTolerance = 0,
        InputFill? fill = null, int invokes = 1, OpResolver? resolver = null, bool prearrangeWeights = false)
    {
        Model model = Model.Load(modelBytes);
        resolver ??= s_resolver.Value;

        // Reference side: all the inputs are drawn here, and every output of every Invoke kept.
        byte[][][] inputs = new byte[invokes][][];
        byte[][][] expected = new byte[invokes][][];
        TensorInfo[] outputs;
        using (Run reference = Run.Start(model, resolver, ArenaPoison.Reference, useReferenceKernels: true))
        {
            outputs = reference.Outputs();
            MicroInterpreter interpreter = reference.Interpreter;
            fill ??= (k, bytes) => FillRandomly(random, interpreter.Input(k).Type, bytes);
            for (int call = 0; call < invokes; call++)
            {
                inputs[call] = new byte[interpreter.InputCount][];
                for (int k = 0; k < inputs[call].Length; k++)
                {
                    inputs[call][k] = new byte[interpreter.Input(k).ByteCount];
                    fill(k, inputs[call][k]);
                }
                reference.Invoke(inputs[call], outputComplements: null);
                expected[call] = reference.CopyOutputs();
            }
            if (reference.PlanOverrun() is { } overrun) return $"{description}, reference kernels: {overrun}";
        }

        foreach (SimdLevel level in Levels())
        {
            Simd.Limit = level;
            try
            {
                using Run fast = Run.Start(model, resolver, ArenaPoison.Fast, useReferenceKernels: false, prearrangeWeights);
                for (int call = 0; call < invokes; call++)
                {
                    fast.Invoke(inputs[call], expected[call]);
                    for (int k = 0; k < outputs.Length; k++)
                    {
                        string? difference = FirstDifference(outputs[k], expected[call][k], fast.Interpreter.Output(k).AsReadOnlySpan<byte>(), floatTolerance);
                        if (difference is null) continue;
                        string which = invokes > 1 ? $", invoke {call + 1}" : "";
                        return $"{description}, level {level}{which}: output {k} ({outputs[k]}): {difference}";
                    }
                }
                if (fast.PlanOverrun() is { } overrun) return $"{description}, level {level}: {overrun}";
            }
            finally
            {
                Simd.Limit = null;
            }
        }
        return null;
    }

    /// <summary>
    /// Runs <paramref name="reference"/> and <paramref name="fast"/> at every level (the scalar one included) into outputs of <paramref name="length"/>
    /// elements (reference output poisoned, fast output pre-filled with the complement of the reference's, both followed
    /// by a poisoned guard); null when they agree and nothing past the end was written, else what differs first.
    /// </summary>
    public static string? CompareLoop<T>(int length, LoopRun<T> reference, LevelLoopRun<T> fast, string description, double floatTolerance = 0)
        where T : unmanaged
    {
        var info = new TensorInfo(TypeOf<T>(), [length]);
        T[] expected = new T[length + GuardElements];
        Span<byte> expectedBytes = MemoryMarshal.AsBytes(expected.AsSpan());
        expectedBytes.Fill(ArenaPoison.Reference);
        reference(expected.AsSpan(0, length));
        if (GuardDamage(expectedBytes[(length * info.ElementSize)..], ArenaPoison.Reference) is { } referenceOverrun)
            return $"{description}, reference: {referenceOverrun}";

        T[] actual = new T[length + GuardElements];
        Span<byte> actualBytes = MemoryMarshal.AsBytes(actual.AsSpan());
        foreach (SimdLevel level in Levels(includeReference: true))
        {
            Complement(expectedBytes[..(length * info.ElementSize)], actualBytes);
            actualBytes[(length * info.ElementSize)..].Fill(ArenaPoison.Fast);
            fast(level, actual.AsSpan(0, length));
            string? difference = FirstDifference(info, expectedBytes[..(length * info.ElementSize)], actualBytes[..(length * info.ElementSize)], floatTolerance)
                ?? GuardDamage(actualBytes[(length * info.ElementSize)..], ArenaPoison.Fast);
            if (difference is not null) return $"{description}, level {level}: {difference}";
        }
        return null;
    }

    /// <summary>Input values as most kernels take them: float32 uniform in [-1, 1), bool false or true, anything else random bytes.</summary>
    public static void FillRandomly(Random random, TensorType type, Span<byte> bytes)
    {
        switch (type)
        {
            case TensorType.Float32:
                Span<float> values = MemoryMarshal.Cast<byte, float>(bytes);
                for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle() * 2 - 1;
                break;
            case TensorType.Bool:
                for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)random.Next(2);
                break;
            default:
                random.NextBytes(bytes);
                break;
        }
    }

    private static readonly Lazy<OpResolver> s_resolver = new(() => OpResolver.WithAllBuiltins().AddSignalOps());

    /// <summary>Each thread keeps one arena per side, grown when a model needs more; bytes past <c>Dirty</c> hold the side's poison.</summary>
    [ThreadStatic] private static PoisonedArena? t_referenceArena, t_fastArena;

    private sealed class PoisonedArena(byte poison)
    {
        public byte Poison { get; } = poison;
        public byte[] Bytes { get; private set; } = ArenaPoison.New(1 << 20, poison);

        /// <summary>The end of what any run may have written; everything after it is poison.</summary>
        public int Dirty { get; set; }

        /// <summary>Poison everywhere again, and room for at least <paramref name="bytes"/>.</summary>
        public void Reset(long bytes = 0)
        {
            if (bytes > Bytes.Length)
            {
                Bytes = ArenaPoison.New((int)Math.Min(int.MaxValue, Math.Max(bytes, 2L * Bytes.Length)), Poison);
                Dirty = 0;
                return;
            }
            Bytes.AsSpan(0, Dirty).Fill(Poison);
            Dirty = 0;
        }
    }

    /// <summary>One side's interpreter on its poisoned arena.</summary>
    private sealed class Run : IDisposable
    {
        private readonly PoisonedArena _arena;

        private Run(MicroInterpreter interpreter, PoisonedArena arena)
        {
            Interpreter = interpreter;
            _arena = arena;
        }

        public MicroInterpreter Interpreter { get; }

        public static Run Start(Model model, OpResolver resolver, byte poison, bool useReferenceKernels, bool prearrangeWeights = false)
        {
            ref PoisonedArena? slot = ref useReferenceKernels ? ref t_referenceArena : ref t_fastArena;
            PoisonedArena arena = slot ??= new PoisonedArena(poison);
            arena.Reset();
            var options = new InterpreterOptions { UseReferenceKernels = useReferenceKernels, PrearrangeWeights = prearrangeWeights };
            while (true)
            {
                var interpreter = new MicroInterpreter(model, resolver, arena.Bytes, options);
                try
                {
                    interpreter.AllocateTensors();
                }
                catch (ArenaTooSmallException e)
                {
                    arena.Dirty = arena.Bytes.Length;
                    arena.Reset(e.BytesNeeded);
                    continue;
                }
                arena.Dirty = Math.Max(arena.Dirty, interpreter.ArenaUsedBytes);
                return new Run(interpreter, arena);
            }
        }

        public TensorInfo[] Outputs()
        {
            var outputs = new TensorInfo[Interpreter.OutputCount];
            for (int k = 0; k < outputs.Length; k++) outputs[k] = new TensorInfo(Interpreter.Output(k).Type, Interpreter.Output(k).ShapeArray);
            return outputs;
        }

        /// <summary>
        /// Poisons every tensor and scratch buffer, fills the outputs with the complement of <paramref name="outputComplements"/>
        /// (when given), writes the inputs last (an input may share memory with a later output) and invokes.
        /// </summary>
        public void Invoke(byte[][] inputs, byte[][]? outputComplements)
        {
            ArenaPoison.PoisonPlanned(Interpreter, _arena.Bytes, _arena.Poison);
            if (outputComplements is not null)
                for (int k = 0; k < outputComplements.Length; k++) Complement(outputComplements[k], Interpreter.Output(k).AsSpan<byte>());
            for (int k = 0; k < inputs.Length; k++) Interpreter.Input(k).CopyFrom(inputs[k]);
            Interpreter.Invoke();
        }

        public byte[][] CopyOutputs()
        {
            var outputs = new byte[Interpreter.OutputCount][];
            for (int k = 0; k < outputs.Length; k++) outputs[k] = Interpreter.Output(k).AsReadOnlySpan<byte>().ToArray();
            return outputs;
        }

        /// <summary>Whether anything was written just past the arena bytes the plan accounts for.</summary>
        public string? PlanOverrun()
        {
            int used = Interpreter.ArenaUsedBytes;
            int end = Math.Min(_arena.Bytes.Length, used + GuardBytes);
            return GuardDamage(_arena.Bytes.AsSpan(used, end - used), _arena.Poison) is { } damage
                ? $"the arena past the {used} bytes of the plan was written: {damage}"
                : null;
        }

        public void Dispose() => Interpreter.Dispose();
    }

    private readonly record struct TensorInfo(TensorType Type, int[] Shape)
    {
        public int ElementSize => Math.Max(1, TensorTypes.ElementSize(Type));

        public override string ToString() => $"{TensorTypes.GetName(Type)}[{string.Join(",", Shape)}]";
    }

    private static void Complement(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        for (int i = 0; i < source.Length; i++) destination[i] = (byte)~source[i];
    }

    private static string? GuardDamage(ReadOnlySpan<byte> guard, byte poison)
    {
        int at = guard.IndexOfAnyExcept(poison);
        return at < 0 ? null : $"byte {at} past the end is 0x{guard[at]:X2}, not the poison 0x{poison:X2}";
    }

    /// <summary>Null when <paramref name="actual"/> agrees with <paramref name="expected"/>; else the first differing element in context.</summary>
    private static string? FirstDifference(TensorInfo info, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, double floatTolerance)
    {
        if (actual.Length != expected.Length) return $"{actual.Length} bytes, the reference has {expected.Length}";
        if (info.Type != TensorType.Float32 && actual.SequenceEqual(expected)) return null;
        int size = info.ElementSize, count = expected.Length / size;
        int first = -1, differing = 0;
        for (int i = 0; i < count; i++)
        {
            if (Agrees(info.Type, expected.Slice(i * size, size), actual.Slice(i * size, size), floatTolerance)) continue;
            if (first < 0) first = i;
            differing++;
        }
        if (first < 0) return null;

        ReadOnlySpan<byte> got = actual.Slice(first * size, size), want = expected.Slice(first * size, size);
        bool leftover = true, referenceLeftover = true;
        for (int b = 0; b < size; b++)
        {
            leftover &= got[b] == (byte)~want[b];
            referenceLeftover &= want[b] == ArenaPoison.Reference;
        }
        var text = new StringBuilder();
        text.Append($"element {first}{Coordinates(info.Shape, first)} is {Value(info.Type, got)}, the reference gives {Value(info.Type, want)}");
        if (leftover) text.Append(" (the poison put there before the run: never written)");
        if (referenceLeftover) text.Append(" (the reference's value is its arena's poison: did the reference write it?)");
        text.Append($"; {differing} of {count} elements differ; around it, fast/reference:");
        for (int i = Math.Max(0, first - 3); i <= Math.Min(count - 1, first + 3); i++)
            text.Append($" [{i}] {Value(info.Type, actual.Slice(i * size, size))}/{Value(info.Type, expected.Slice(i * size, size))}");
        return text.ToString();
    }

    private static bool Agrees(TensorType type, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, double floatTolerance)
    {
        if (type != TensorType.Float32) return actual.SequenceEqual(expected);
        float want = MemoryMarshal.Read<float>(expected), got = MemoryMarshal.Read<float>(actual);
        return got.Equals(want) || Math.Abs((double)got - want) <= floatTolerance * Math.Max(1.0, Math.Abs((double)want));
    }

    private static string Coordinates(int[] shape, int index)
    {
        if (shape.Length <= 1) return "";
        var coordinates = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            int extent = Math.Max(1, shape[d]);
            coordinates[d] = index % extent;
            index /= extent;
        }
        return $" [{string.Join(",", coordinates)}]";
    }

    private static string Value(TensorType type, ReadOnlySpan<byte> bytes) => type switch
    {
        TensorType.Int8 => ((sbyte)bytes[0]).ToString(),
        TensorType.Int16 => MemoryMarshal.Read<short>(bytes).ToString(),
        TensorType.Int32 => MemoryMarshal.Read<int>(bytes).ToString(),
        TensorType.Int64 => MemoryMarshal.Read<long>(bytes).ToString(),
        TensorType.Float32 => MemoryMarshal.Read<float>(bytes).ToString("R"),
        _ => Convert.ToHexString(bytes),
    };

    private static TensorType TypeOf<T>() where T : unmanaged
        => typeof(T) == typeof(sbyte) ? TensorType.Int8
        : typeof(T) == typeof(byte) ? TensorType.UInt8
        : typeof(T) == typeof(short) ? TensorType.Int16
        : typeof(T) == typeof(int) ? TensorType.Int32
        : typeof(T) == typeof(long) ? TensorType.Int64
        : typeof(T) == typeof(float) ? TensorType.Float32
        : throw new NotSupportedException($"loops over {typeof(T).Name} are not compared yet");
}
