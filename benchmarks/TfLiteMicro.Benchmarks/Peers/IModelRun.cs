namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>
/// A tensor's values as the output comparison reads them: the TFLite element type and the bytes, with a peer's uint8
/// activations already shifted back to int8.
/// </summary>
internal readonly record struct TensorValues(TensorType Type, byte[] Bytes);

/// <summary>One runtime with one model loaded and its inputs written, ready to invoke.</summary>
internal interface IModelRun : IDisposable
{
    void Invoke();

    int OutputCount { get; }

    /// <summary>A copy of output <paramref name="index"/> after the last invoke.</summary>
    TensorValues Output(int index);
}
