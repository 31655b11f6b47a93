using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>TANH; int8 output in Q7, int16 as tanh(x) = 2 sigmoid(2x) - 1 (see <see cref="SigmoidLikeKernel{TFunction}"/>).</summary>
internal sealed class Tanh : SigmoidLikeKernel<Tanh.Function>
{
    internal readonly struct Function : ISigmoidLikeFunction
    {
        public int? Int8OutputZeroPoint => null;

        public bool Int16AcceptsShiftOne => true;

        public float Float(float x) => MathF.Tanh(x);

        public sbyte Int8(int inputQ4)
        {
            int outputQ0 = FixedPointMath.Tanh(inputQ4, 4);
            int outputQ24 = FixedPoint.RoundingDivideByPOT(outputQ0, 31 - 7);
            return (sbyte)Clamp.Int(outputQ24, sbyte.MinValue, sbyte.MaxValue);
        }

        // The sigmoid table read at 2|x| (steps of 2^8), turned into tanh and mirrored for negative x.
        public short Int16(int input)
        {
            uint absolute = (uint)Math.Abs(input);
            uint segment = absolute >> 8;
            int result;
            if (segment >= 255)
            {
                result = 0xFFFF << 8;
            }
            else
            {
                uint low = LookupTables.Sigmoid[(int)segment];
                uint high = LookupTables.Sigmoid[(int)segment + 1];
                byte fraction = (byte)(absolute & 0xFF);
                result = unchecked((int)((low << 8) + fraction * (high - low)));
            }
            result = input >= 0
                ? result - (1 << (14 + 9)) + (1 << (9 - 2))
                : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
            return unchecked((short)(result >> (9 - 1)));
        }
    }
}
