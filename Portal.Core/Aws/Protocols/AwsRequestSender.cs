using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Portal.Core.Aws.Signing;

namespace Portal.Core.Aws.Protocols;

/// <summary>
/// Sends one signed request to an AWS endpoint, retrying throttling, timeouts, 5xx and network failures with
/// full-jitter exponential backoff, correcting its clock when AWS says the signature's time is off (from the response's
/// <c>Date</c>, as the SDKs do), and turns an error response into an <see cref="AwsApiException"/>.
/// </summary>
internal sealed partial class AwsRequestSender(
    HttpClient http,
    IAwsCredentialSource credentials,
    TimeProvider time,
    ILogger<AwsRequestSender> logger)
{
    /// <summary>Attempts per call, the first included: the SDKs' "standard" retry mode also makes 3 retries.</summary>
    internal const int MaxAttempts = 4;

    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>A skew AWS tolerates: signatures are valid 5 minutes either side; a smaller gap is not the cause.</summary>
    private static readonly TimeSpan SkewTolerance = TimeSpan.FromMinutes(4);

    private long _clockOffsetTicks;

    /// <summary>How far AWS's clock is ahead of this machine's, as last learnt from a clock-skew error.</summary>
    internal TimeSpan ClockOffset => TimeSpan.FromTicks(Interlocked.Read(ref _clockOffsetTicks));

    public async Task<string> SendAsync(
        AwsServiceEndpoint endpoint,
        string operation,
        byte[] body,
        string contentType,
        IReadOnlyDictionary<string, string> headers,
        Func<HttpStatusCode, string, (string Code, string Message, string? RequestId)> parseError,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            AwsApiException failure;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Endpoint);
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                var creds = await credentials.GetCredentialsAsync(cancellationToken);
                SigV4Signer.Sign(request, body, creds, endpoint.SigningRegion, endpoint.Service, time.GetUtcNow() + ClockOffset);

                using var response = await http.SendAsync(request, cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return text;
                }

                var (code, message, requestId) = parseError(response.StatusCode, text);
                requestId ??= response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() : null;
                failure = new AwsApiException(endpoint.Service, operation, code, message, response.StatusCode, requestId);
                if (failure.IsClockSkew && attempt < MaxAttempts && CorrectClock(response.Headers.Date))
                {
                    LogClockCorrected(logger, endpoint.Service, operation, failure.ErrorCode, ClockOffset.TotalSeconds);
                    continue; // signed again at AWS's time, at once
                }
            }
            catch (HttpRequestException ex)
            {
                failure = new AwsApiException(endpoint.Service, operation, "NetworkError", ex.Message, HttpStatusCode.ServiceUnavailable, innerException: ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new AwsApiException(endpoint.Service, operation, "RequestTimeout", "The request timed out.", HttpStatusCode.GatewayTimeout, innerException: ex);
            }

            if (!failure.IsRetryable || attempt >= MaxAttempts)
            {
                LogFailed(logger, endpoint.Service, operation, failure.ErrorCode, failure.RequestId, attempt);
                throw failure;
            }

            var delay = Backoff(attempt);
            LogRetrying(logger, endpoint.Service, operation, failure.ErrorCode, attempt, delay.TotalMilliseconds);
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    /// <summary>
    /// Takes AWS's clock from a response's <c>Date</c> when it is further from this machine's (as corrected so far) than
    /// AWS tolerates; false when there is no date or the gap is not the cause.
    /// </summary>
    private bool CorrectClock(DateTimeOffset? serverDate)
    {
        if (serverDate is not { } server)
        {
            return false;
        }

        var offset = server - time.GetUtcNow();
        if ((offset - ClockOffset).Duration() < SkewTolerance)
        {
            return false;
        }

        Interlocked.Exchange(ref _clockOffsetTicks, offset.Ticks);
        return true;
    }

    /// <summary>Full jitter: a random wait between zero and the capped exponential step.</summary>
    internal static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AWS {Service} {Operation} failed with {ErrorCode} (request {RequestId}) after {Attempts} attempt(s)")]
    private static partial void LogFailed(ILogger logger, string service, string operation, string errorCode, string? requestId, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "AWS {Service} {Operation} answered {ErrorCode}: this machine's clock is {OffsetSeconds:F0} s off AWS's; signing with AWS's time from now on")]
    private static partial void LogClockCorrected(ILogger logger, string service, string operation, string errorCode, double offsetSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "AWS {Service} {Operation} answered {ErrorCode}; attempt {Attempt} is retried in {DelayMs:F0} ms")]
    private static partial void LogRetrying(ILogger logger, string service, string operation, string errorCode, int attempt, double delayMs);
}
