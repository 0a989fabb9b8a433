// Posts a file's bytes to a Convex upload URL with XMLHttpRequest, for its upload progress
// events (fetch has none). The answer is Convex's `{ storageId }`. Browser only.

export interface UploadedFile {
  storageId: string;
}

export function postFileWithProgress(
  url: string,
  file: Blob,
  contentType: string,
  onProgress: (sent: number, total: number) => void,
): Promise<UploadedFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", contentType);
    xhr.upload.onprogress = (event) => {
      onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    };
    xhr.onload = () => {
      if (xhr.status < 200 || xhr.status >= 300) {
        reject(new Error(`upload failed with HTTP ${xhr.status}`));
        return;
      }
      try {
        const body = JSON.parse(xhr.responseText) as { storageId?: unknown };
        if (typeof body.storageId !== "string") throw new Error("no storageId");
        onProgress(file.size, file.size);
        resolve({ storageId: body.storageId });
      } catch (error) {
        reject(error);
      }
    };
    xhr.onerror = () => reject(new Error("network error during upload"));
    xhr.send(file);
  });
}
