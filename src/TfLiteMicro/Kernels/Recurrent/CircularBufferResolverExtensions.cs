namespace TfLiteMicro.Kernels;

/// <summary>Registration of the CIRCULAR_BUFFER custom op.</summary>
public static class CircularBufferResolverExtensions
{
    /// <summary>Registers <see cref="CircularBuffer"/> under the custom name "CIRCULAR_BUFFER".</summary>
    public static OpResolver AddCircularBuffer(this OpResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return resolver.AddCustom(CircularBuffer.OperatorName, static () => new CircularBuffer());
    }
}
