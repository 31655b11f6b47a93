using System.Reflection;
using TfLiteMicro.Kernels;
using TfLiteMicro.Signal;

namespace TfLiteMicro.Tests.Interpreter;

/// <summary>
/// Tensor objects are handles made for Prepare: no kernel keeps one (or a collection of them) past it, since the
/// interpreter's compact records are what Invoke runs on.
/// </summary>
public sealed class KernelStateTests
{
    [Fact]
    public void NoKernelKeepsATensorObject()
    {
        Assembly[] assemblies = [typeof(IKernel).Assembly, typeof(SignalOps).Assembly];
        var kernels = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => typeof(IKernel).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract).ToList();
        Assert.True(kernels.Count > 100, $"found only {kernels.Count} kernel classes");
        var offenders = new List<string>();
        foreach (Type kernel in kernels)
            foreach (FieldInfo field in InstanceFields(kernel, depth: 0))
                if (Mentions(field.FieldType, typeof(Tensor)))
                    offenders.Add($"{kernel.Name}.{field.Name} ({field.FieldType.Name})");
        Assert.True(offenders.Count == 0, "kernels keeping Tensor objects: " + string.Join(", ", offenders));
    }

    /// <summary>The instance fields of <paramref name="type"/> and of the structs it holds, a few levels down.</summary>
    private static IEnumerable<FieldInfo> InstanceFields(Type type, int depth)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(flags))
            {
                yield return field;
                if (depth < 3 && field.FieldType.IsValueType && !field.FieldType.IsPrimitive && !field.FieldType.IsEnum)
                    foreach (FieldInfo inner in InstanceFields(field.FieldType, depth + 1)) yield return inner;
            }
        }
    }

    private static bool Mentions(Type type, Type target)
        => type == target
            || (type.HasElementType && Mentions(type.GetElementType()!, target))
            || (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, target)));
}
