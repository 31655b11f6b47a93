namespace TfLiteMicro.Benchmarks;

/// <summary>An interpreter over one model with random inputs, ready to invoke.</summary>
internal sealed class InterpreterRun : IDisposable
{
    private readonly MicroInterpreter _interpreter;

    public InterpreterRun(byte[] modelBytes, bool reference, int arenaBytes = 16 << 20, InterpreterOptions? options = null)
    {
        Model model = Model.Load(modelBytes);
        _interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), new byte[arenaBytes],
            new InterpreterOptions { UseReferenceKernels = reference, DecompressionMemory = options?.DecompressionMemory });
        _interpreter.AllocateTensors();
        var random = new Random(42);
        for (int i = 0; i < _interpreter.InputCount; i++)
        {
            Tensor input = _interpreter.Input(i);
            Span<byte> bytes = input.AsSpan<byte>();
            if (input.Type == TensorType.Float32)
            {
                Span<float> values = input.AsSpan<float>();
                for (int j = 0; j < values.Length; j++) values[j] = random.NextSingle() * 2 - 1;
            }
            else
            {
                random.NextBytes(bytes);
            }
        }
        _interpreter.Invoke();
    }

    public void Invoke() => _interpreter.Invoke();

    public void Dispose() => _interpreter.Dispose();
}
