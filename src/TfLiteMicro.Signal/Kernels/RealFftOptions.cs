namespace TfLiteMicro.Signal;

/// <summary>The options and checks SignalRfft and SignalIrfft share: element type T, fft_length, tensor types and ranks.</summary>
internal readonly record struct RealFftOptions(TensorType Type, int FftLength)
{
    public static RealFftOptions Read(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        SignalOptions options = SignalOptions.Read(context);
        TensorType type = options.Type();
        int fftLength = options.Int("fft_length");
        if (KissFftPlan.CheckRealLength(fftLength) is string problem) throw context.Error(problem);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (type is not (TensorType.Int16 or TensorType.Int32 or TensorType.Float32)) throw context.UnsupportedType("option T", type);
        if (input.Type != type) throw context.Error($"input type {TensorTypes.GetName(input.Type)} differs from option T ({TensorTypes.GetName(type)})");
        if (output.Type != type) throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from option T ({TensorTypes.GetName(type)})");
        if (input.Rank < 1 || input.Rank != output.Rank) throw context.Error($"input rank {input.Rank} and output rank {output.Rank} must be equal and at least 1");
        return new RealFftOptions(type, fftLength);
    }

    /// <summary>Runs <paramref name="kernel"/> for element type <paramref name="type"/> with its FFT arithmetic (Q15, Q31 or float).</summary>
    public static void Run(TensorType type, IRealFftRun kernel, InvokeContext context)
    {
        switch (type)
        {
            case TensorType.Int16: kernel.Run<short, Q15FftArithmetic>(context); break;
            case TensorType.Int32: kernel.Run<int, Q31FftArithmetic>(context); break;
            default: kernel.Run<float, FloatFftArithmetic>(context); break;
        }
    }
}

/// <summary>A real FFT kernel's Invoke for one element type and its arithmetic (see <see cref="RealFftOptions.Run"/>).</summary>
internal interface IRealFftRun
{
    void Run<T, TMath>(InvokeContext context)
        where T : unmanaged
        where TMath : struct, IFftArithmetic<T>;
}
