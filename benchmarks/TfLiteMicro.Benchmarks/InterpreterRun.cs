using TfLiteMicro.Benchmarks.Peers;
using TfLiteMicro.Signal;

namespace TfLiteMicro.Benchmarks;

/// <summary>An interpreter over one model with random inputs, ready to invoke.</summary>
internal sealed class InterpreterRun : IModelRun
{
    /// <summary>Every builtin kernel and the signal library's custom ops.</summary>
    public static OpResolver Resolver() => OpResolver.WithAllBuiltins().AddSignalOps();

    private readonly MicroInterpreter _interpreter;
    private readonly byte[][] _inputs;

    public InterpreterRun(byte[] modelBytes, bool reference, int arenaBytes = 16 << 20, IInvokeProfiler? profiler = null,
        InterpreterOptions? options = null)
    {
        // Model and arena start on a cache line, as on a device: otherwise where the runtime happens to place the arrays
        // decides how many vector loads straddle two lines, and a row's time would change from one process to the next.
        Memory<byte> modelMemory = CacheLineAligned(modelBytes.Length);
        modelBytes.CopyTo(modelMemory.Span);
        Model model = Model.Load((ReadOnlyMemory<byte>)modelMemory);
        _interpreter = new MicroInterpreter(model, Resolver(), CacheLineAligned(arenaBytes),
            new InterpreterOptions
            {
                UseReferenceKernels = reference, Profiler = profiler, DecompressionMemory = options?.DecompressionMemory,
                PrearrangeWeights = options?.PrearrangeWeights ?? false, Threads = options?.Threads ?? 1,
            });
        _interpreter.AllocateTensors();
        var random = new Random(42);
        _inputs = new byte[_interpreter.InputCount][];
        for (int i = 0; i < _inputs.Length; i++)
        {
            Tensor input = _interpreter.Input(i);
            if (input.Type == TensorType.Float32)
            {
                Span<float> values = input.AsSpan<float>();
                for (int j = 0; j < values.Length; j++) values[j] = random.NextSingle() * 2 - 1;
            }
            else
            {
                random.NextBytes(input.AsSpan<byte>());
            }
            _inputs[i] = input.AsReadOnlySpan<byte>().ToArray();
        }
        _interpreter.Invoke();
    }

    /// <summary><paramref name="length"/> bytes starting on a 64-byte boundary, in an array the collector never moves.</summary>
    private static Memory<byte> CacheLineAligned(int length)
    {
        byte[] array = GC.AllocateArray<byte>(length + 63, pinned: true);
        long address = (long)System.Runtime.InteropServices.Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        return array.AsMemory((int)((64 - address % 64) % 64), length);
    }

    public MicroInterpreter Interpreter => _interpreter;

    /// <summary>
    /// The random bytes written to input <paramref name="index"/> (the arena may reuse an input's bytes during an
    /// invoke, so the tensor itself need not hold them any more).
    /// </summary>
    public ReadOnlySpan<byte> InputBytes(int index) => _inputs[index];

    public void Invoke() => _interpreter.Invoke();

    /// <summary>An invoke as the first one: variables reset and the random inputs written again.</summary>
    public void InvokeFromStart()
    {
        _interpreter.Reset();
        for (int i = 0; i < _inputs.Length; i++) _inputs[i].CopyTo(_interpreter.Input(i).AsSpan<byte>());
        _interpreter.Invoke();
    }

    public int OutputCount => _interpreter.OutputCount;

    public TensorValues Output(int index)
    {
        Tensor output = _interpreter.Output(index);
        return new TensorValues(output.Type, output.AsReadOnlySpan<byte>().ToArray());
    }

    public void Dispose() => _interpreter.Dispose();
}
