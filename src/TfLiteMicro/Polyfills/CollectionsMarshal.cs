using System.Reflection;

namespace System.Runtime.InteropServices;

/// <summary>A view of a list's elements for netstandard2.1, which lacks this class.</summary>
internal static class CollectionsMarshal
{
    /// <summary>
    /// The list's elements in place when its backing array can be read (List&lt;T&gt;'s <c>_items</c> field, as on Mono
    /// and Unity), else a copy. Callers only read the span, so the two behave the same.
    /// </summary>
    public static Span<T> AsSpan<T>(List<T>? list)
    {
        if (list is null) return default;
        return ItemsField<T>.Field?.GetValue(list) is T[] items ? items.AsSpan(0, list.Count) : list.ToArray();
    }

    private static class ItemsField<T>
    {
        public static readonly FieldInfo? Field = typeof(List<T>).GetField("_items", BindingFlags.Instance | BindingFlags.NonPublic);
    }
}
