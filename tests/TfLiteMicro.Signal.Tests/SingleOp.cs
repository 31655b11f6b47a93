using System.Runtime.InteropServices;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Signal.Tests;

/// <summary>A model of one custom signal op whose inputs and outputs are all graph inputs and outputs, ready to run.</summary>
public sealed class SingleOp
{
    private SingleOp(MicroInterpreter interpreter) => Interpreter = interpreter;

    public MicroInterpreter Interpreter { get; }

    public static SingleOp Create(string op, byte[] options, (TensorType Type, int[] Shape)[] inputs, (TensorType Type, int[] Shape)[] outputs)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph("main");
        int[] ins = [.. inputs.Select((t, i) => g.AddTensor($"in{i}", t.Type, t.Shape))];
        int[] outs = [.. outputs.Select((t, i) => g.AddTensor($"out{i}", t.Type, t.Shape))];
        g.AddCustomOperator(op, ins, outs, options);
        g.SetInputs(ins);
        g.SetOutputs(outs);
        var interpreter = new MicroInterpreter(Model.Load(builder.Build()), new OpResolver().AddSignalOps(), ArenaPoison.New(1 << 20));
        interpreter.AllocateTensors();
        return new SingleOp(interpreter);
    }

    public void SetInput<T>(int index, ReadOnlySpan<T> values) where T : unmanaged
        => values.CopyTo(Interpreter.Input(index).AsSpan<T>());

    public void SetInput<T>(int index, double[] values) where T : unmanaged
    {
        Span<T> span = Interpreter.Input(index).AsSpan<T>();
        for (int i = 0; i < values.Length; i++) span[i] = Convert<T>(values[i]);
    }

    public T[] Output<T>(int index) where T : unmanaged => Interpreter.Output(index).AsSpan<T>().ToArray();

    public void Invoke() => Interpreter.Invoke();

    public static T Convert<T>(double v) where T : unmanaged
    {
        object o = typeof(T) == typeof(short) ? (short)v
            : typeof(T) == typeof(int) ? (int)v
            : typeof(T) == typeof(uint) ? (uint)v
            : typeof(T) == typeof(ulong) ? (ulong)v
            : typeof(T) == typeof(float) ? (float)v
            : typeof(T) == typeof(bool) ? v != 0
            : throw new NotSupportedException(typeof(T).Name);
        return (T)o;
    }

    public static T[] ToArray<T>(double[] values) where T : unmanaged => [.. values.Select(Convert<T>)];

    public static byte[] Bytes<T>(T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
