using System.Security.Cryptography;

namespace TfLiteMicro.Examples;

/// <summary>A file of TFLM's repository an example uses: where it lies there, its size and its SHA-256.</summary>
public sealed record TflmFile(string Name, string RepositoryPath, long Size, string Sha256);

/// <summary>A TFLM file that could not be found or fetched; the message says why and what to do.</summary>
public sealed class TflmFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// TFLM's published models and test inputs (github.com/tensorflow/tflite-micro at one pinned commit), found in the
/// shared folder beside the repository when it is there, else in a cache folder of the user's, where they are
/// downloaded once and checked against their SHA-256 on every use.
/// </summary>
public sealed class TflmFiles
{
    /// <summary>The commit of tensorflow/tflite-micro the files are taken from.</summary>
    public const string Commit = "90b983c2b3f1480642e040bbd2ddb37b998f3424";

    public static readonly TflmFile AudioPreprocessor = new("audio_preprocessor_int8.tflite",
        "tensorflow/lite/micro/examples/micro_speech/models/audio_preprocessor_int8.tflite", 8772,
        "278949d197166fb8b580c0bdc94e902fb709fec0569dcf5766816b28285440e5");

    public static readonly TflmFile MicroSpeechModel = new("micro_speech_quantized.tflite",
        "tensorflow/lite/micro/examples/micro_speech/models/micro_speech_quantized.tflite", 18800,
        "09e5e2a9dfb2d8ed78802bf18ce297bff54281a66ca18e0c23d69ca14f822a83");

    public static readonly TflmFile PersonDetectModel = new("person_detect.tflite",
        "tensorflow/lite/micro/models/person_detect.tflite", 300568,
        "808cfdfc0cf3a6fa6f6fa26bfa379ea97c16d5db7334637766e39c3408502e9d");

    public static readonly TflmFile Yes = new("yes_1000ms.wav",
        "tensorflow/lite/micro/examples/micro_speech/testdata/yes_1000ms.wav", 32044,
        "b40e137a9d25bbdf135e03fa0f6bff4696d0bfc203aef8bc73b27c9428ba5a92");

    public static readonly TflmFile No = new("no_1000ms.wav",
        "tensorflow/lite/micro/examples/micro_speech/testdata/no_1000ms.wav", 32044,
        "21e2b640385e4a751d480a87ae5a1633a6ff00e838b0e2ad48b22f8034e946d8");

    public static readonly TflmFile Person = new("person.bmp",
        "tensorflow/lite/micro/examples/person_detection/testdata/person.bmp", 10294,
        "b50a4d51e86551ea13038c96c222b9c3aaf653f5946211e5e5fd3e60b029e4d2");

    public static readonly TflmFile NoPerson = new("no_person.bmp",
        "tensorflow/lite/micro/examples/person_detection/testdata/no_person.bmp", 10294,
        "2322df94e6788b05e4051e531f7a3a95b6db54624d170ebc9af2f1d5a73e9f79");

    private readonly IReadOnlyList<string> _localFolders;
    private readonly Uri _source;
    private readonly HttpMessageHandler? _handler;
    private readonly TimeSpan _timeout;
    private readonly TextWriter _log;

    /// <param name="localFolders">Folders searched first, in order (a file there is used as it is).</param>
    /// <param name="cacheFolder">Where downloaded files are kept.</param>
    /// <param name="source">The base the repository paths are appended to.</param>
    /// <param name="log">Where progress is written (standard error in the examples).</param>
    public TflmFiles(IReadOnlyList<string> localFolders, string cacheFolder, Uri source, TextWriter log,
        HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        _localFolders = localFolders;
        CacheFolder = cacheFolder;
        _source = source;
        _log = log;
        _handler = handler;
        _timeout = timeout ?? TimeSpan.FromSeconds(60);
    }

    /// <summary>
    /// The examples' setting: <paramref name="folder"/> when the user names one, else the shared folder's
    /// <paramref name="subfolder"/> (<c>$TFLM_SHARED_DIR</c>, else <c>shared/</c> in a folder above the working
    /// directory or the program); downloads go to <see cref="DefaultCacheFolder"/>, from GitHub at <see cref="Commit"/>.
    /// </summary>
    public static TflmFiles ForExample(string? folder, string subfolder)
    {
        var local = new List<string>();
        if (folder is not null) local.Add(folder);
        else if (FindSharedFolder() is string shared) local.Add(Path.Combine(shared, subfolder));
        return new TflmFiles(local, DefaultCacheFolder(), new Uri($"https://raw.githubusercontent.com/tensorflow/tflite-micro/{Commit}/"), Console.Error);
    }

    /// <summary>Where downloaded files are kept.</summary>
    public string CacheFolder { get; }

    /// <summary>
    /// <c>$TFLM_CACHE_DIR</c>, else the user's cache folder (<c>$XDG_CACHE_HOME</c> or <c>~/.cache</c>, on Windows
    /// the local application data folder) + <c>tflitemicro</c>, in a subfolder per pinned commit.
    /// </summary>
    public static string DefaultCacheFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("TFLM_CACHE_DIR");
        if (!string.IsNullOrEmpty(configured)) return configured;
        string? root = OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) : null;
        if (string.IsNullOrEmpty(root)) root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root)) root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "tflitemicro", "tflite-micro-" + Commit[..12]);
    }

    /// <summary>The shared folder: <c>$TFLM_SHARED_DIR</c>, else <c>shared/</c> in a folder above the working directory or the program.</summary>
    public static string? FindSharedFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("TFLM_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured)) return Directory.Exists(configured) ? configured : null;
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "models"))) return candidate;
            }
        return null;
    }

    /// <summary>The path of <paramref name="file"/>: in a local folder, else in the cache (downloading it first).</summary>
    /// <exception cref="TflmFileException">Not found and not downloadable, or the download is not the expected file.</exception>
    public string Get(TflmFile file)
    {
        foreach (string folder in _localFolders)
        {
            string local = Path.Combine(folder, file.Name);
            if (File.Exists(local)) return local;
        }

        string cached = Path.Combine(CacheFolder, file.Name);
        if (File.Exists(cached))
        {
            if (Sha256Of(cached) == file.Sha256) return cached;
            _log.WriteLine($"{cached} is not TFLM's file (SHA-256 differs): downloading it again");
        }
        Download(file, cached);
        return cached;
    }

    private void Download(TflmFile file, string destination)
    {
        var uri = new Uri(_source, file.RepositoryPath);
        _log.WriteLine($"downloading {file.Name} ({file.Size:N0} bytes) from {uri}");
        Directory.CreateDirectory(CacheFolder);
        string partial = destination + "." + Guid.NewGuid().ToString("N")[..8] + ".part";
        try
        {
            string sha256;
            using (var client = _handler is null ? new HttpClient() : new HttpClient(_handler, disposeHandler: false))
            {
                client.Timeout = _timeout;
                using HttpResponseMessage response = client.Send(new HttpRequestMessage(HttpMethod.Get, uri), HttpCompletionOption.ResponseHeadersRead);
                if (!response.IsSuccessStatusCode)
                    throw new TflmFileException($"could not download {file.Name}: {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}. {Remedy(file)}");
                using Stream body = response.Content.ReadAsStream();
                using (var output = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
                    CopyAtMost(body, output, file);
                sha256 = Sha256Of(partial);
            }
            if (sha256 != file.Sha256)
                throw new TflmFileException(
                    $"the download of {file.Name} from {uri} is not TFLM's file: SHA-256 {sha256}, expected {file.Sha256}; it was not kept. {Remedy(file)}");
            File.Move(partial, destination, overwrite: true);
            _log.WriteLine($"saved {destination}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            string reason = e is TaskCanceledException ? "no answer in time" : e.Message;
            throw new TflmFileException($"could not download {file.Name} from {uri} ({reason}): are you offline? {Remedy(file)}", e);
        }
        catch (IOException e)
        {
            throw new TflmFileException($"could not download {file.Name} into {CacheFolder}: {e.Message}. {Remedy(file)}", e);
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    /// <summary>Copies the body, refusing one longer than the file is (a wrong answer must not fill the disk).</summary>
    private static void CopyAtMost(Stream body, Stream output, TflmFile file)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = body.Read(buffer)) > 0)
        {
            total += read;
            if (total > file.Size) throw new TflmFileException($"the answer is longer than {file.Name} ({file.Size:N0} bytes); it was not kept");
            output.Write(buffer, 0, read);
        }
    }

    private string Remedy(TflmFile file)
        => $"Get {file.Name} yourself (tensorflow/tflite-micro, {file.RepositoryPath}) into {CacheFolder}, " +
           "or point the example at a folder holding it (see --help), or set TFLM_SHARED_DIR.";

    private static string Sha256Of(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
