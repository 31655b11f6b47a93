using System.Runtime.InteropServices;

namespace TfLiteMicro.Signal;

/// <summary>
/// A complex number laid out as TFLM's Complex&lt;T&gt; (real, then imaginary): the element of the signal
/// ops' complex tensors, whose innermost dimension holds the (real, imaginary) pairs.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct Complex<T> where T : unmanaged
{
    public T Real;
    public T Imag;

    public Complex(T real, T imag)
    {
        Real = real;
        Imag = imag;
    }

    public override readonly string ToString() => $"({Real}, {Imag})";
}
