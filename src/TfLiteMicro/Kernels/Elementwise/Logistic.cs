using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>LOGISTIC (sigmoid); int8 output scale 1/256 with zero point -128 (see <see cref="SigmoidLikeKernel{TFunction}"/>).</summary>
internal sealed class Logistic : SigmoidLikeKernel<Logistic.Function>
{
    internal readonly struct Function : ISigmoidLikeFunction
    {
        public int? Int8OutputZeroPoint => sbyte.MinValue;

        public bool Int16AcceptsShiftOne => false;

        // The reference's cut-offs: beyond them the result is 1 or exp(x) to float precision.
        public float Float(float x) => x > 16.619047164916992188f ? 1f : x < -9f ? MathF.Exp(x) : 1f / (1f + MathF.Exp(-x));

        public sbyte Int8(int inputQ4)
        {
            int outputQ0 = FixedPointMath.Logistic(inputQ4, 4);
            int outputQ23 = FixedPoint.RoundingDivideByPOT(outputQ0, 31 - 8);
            return (sbyte)Clamp.Int(outputQ23 - 128, sbyte.MinValue, sbyte.MaxValue);
        }

        // sigmoid(x) read from the table at |x| in steps of 2^9, mirrored for negative x.
        public short Int16(int input)
        {
            uint absolute = (uint)Math.Abs(input);
            uint segment = absolute >> 9;
            uint result;
            if (segment >= 255)
            {
                result = 0x7FFFu << 10;
            }
            else
            {
                uint low = LookupTables.Sigmoid[(int)segment];
                uint high = LookupTables.Sigmoid[(int)segment + 1];
                uint fraction = absolute & 0x1FF;
                result = unchecked((low << 9) + fraction * (high - low));
            }
            result = input >= 0 ? result + (1u << 9) : unchecked((1u << (16 + 9)) - result + (1u << 9) - 1);
            return unchecked((short)(result >> 10));
        }
    }
}
