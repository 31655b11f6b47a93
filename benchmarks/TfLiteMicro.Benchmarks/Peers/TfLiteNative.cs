using System.Reflection;
using System.Runtime.InteropServices;

namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>
/// TensorFlow Lite's C API (2.9, <c>libtensorflowlite_c</c> with XNNPACK built in), loaded from the file that
/// scripts/fetch-tflite.sh leaves in the cache folder, or from <c>TFLITE_C_LIBRARY</c>.
/// </summary>
internal static partial class TfLiteNative
{
    private const string Library = "tensorflowlite_c";

    /// <summary>TfLiteXNNPackDelegateOptions.flags: run int8 (QS8) and uint8 (QU8) operators in XNNPACK too.</summary>
    public const uint XnnpackQs8 = 1, XnnpackQu8 = 2;

    private static readonly Lazy<string?> s_loadError = new(Load);

    /// <summary>Why the library cannot be used, or null when it is loaded.</summary>
    public static string? LoadError => s_loadError.Value;

    /// <summary>TFLITE_C_LIBRARY, else where scripts/fetch-tflite.sh puts the library for this platform.</summary>
    public static string LibraryPath()
    {
        string? configured = Environment.GetEnvironmentVariable("TFLITE_C_LIBRARY");
        if (!string.IsNullOrEmpty(configured)) return configured;
        string cache = Environment.GetEnvironmentVariable("TFLM_PEER_CACHE") is { Length: > 0 } dir ? dir
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "tfl-micro-net");
        string platform = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux_arm64" : "linux_amd64";
        return Path.Combine(cache, "tfjs-tflite-node-0.0.2", platform, "libtensorflowlite_c.so");
    }

    private static string? Load()
    {
        if (!OperatingSystem.IsLinux()) return "the TFLite C library is fetched for Linux only";
        string path = LibraryPath();
        if (!File.Exists(path)) return $"no TFLite C library at {path}: run scripts/fetch-tflite.sh (or set TFLITE_C_LIBRARY)";
        if (!NativeLibrary.TryLoad(path, out nint handle)) return $"{path} does not load";
        NativeLibrary.SetDllImportResolver(typeof(TfLiteNative).Assembly,
            (name, _, _) => name == Library ? handle : IntPtr.Zero);
        return null;
    }

    /// <summary>TfLiteType values this project reads, as our <see cref="TensorType"/>.</summary>
    public static TensorType ToTensorType(int type) => type switch
    {
        1 => TensorType.Float32,
        2 => TensorType.Int32,
        3 => TensorType.UInt8,
        7 => TensorType.Int16,
        9 => TensorType.Int8,
        _ => throw new NotSupportedException($"TfLiteType {type}"),
    };

    [StructLayout(LayoutKind.Sequential)]
    public struct XnnpackOptions
    {
        public int NumThreads;
        public uint Flags;
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint TfLiteModelCreateFromFile(string path);

    [LibraryImport(Library)]
    public static partial void TfLiteModelDelete(nint model);

    [LibraryImport(Library)]
    public static partial nint TfLiteInterpreterOptionsCreate();

    [LibraryImport(Library)]
    public static partial void TfLiteInterpreterOptionsDelete(nint options);

    [LibraryImport(Library)]
    public static partial void TfLiteInterpreterOptionsSetNumThreads(nint options, int threads);

    [LibraryImport(Library)]
    public static partial void TfLiteInterpreterOptionsAddDelegate(nint options, nint tfLiteDelegate);

    [LibraryImport(Library)]
    public static partial nint TfLiteInterpreterCreate(nint model, nint options);

    [LibraryImport(Library)]
    public static partial void TfLiteInterpreterDelete(nint interpreter);

    [LibraryImport(Library)]
    public static partial int TfLiteInterpreterAllocateTensors(nint interpreter);

    [LibraryImport(Library)]
    public static partial int TfLiteInterpreterInvoke(nint interpreter);

    [LibraryImport(Library)]
    public static partial int TfLiteInterpreterGetInputTensorCount(nint interpreter);

    [LibraryImport(Library)]
    public static partial nint TfLiteInterpreterGetInputTensor(nint interpreter, int index);

    [LibraryImport(Library)]
    public static partial int TfLiteInterpreterGetOutputTensorCount(nint interpreter);

    [LibraryImport(Library)]
    public static partial nint TfLiteInterpreterGetOutputTensor(nint interpreter, int index);

    [LibraryImport(Library)]
    public static partial int TfLiteTensorType(nint tensor);

    [LibraryImport(Library)]
    public static partial nuint TfLiteTensorByteSize(nint tensor);

    [LibraryImport(Library)]
    public static partial nint TfLiteTensorData(nint tensor);

    [LibraryImport(Library)]
    public static unsafe partial nint TfLiteXNNPackDelegateCreate(XnnpackOptions* options);

    [LibraryImport(Library)]
    public static partial void TfLiteXNNPackDelegateDelete(nint xnnpackDelegate);
}
