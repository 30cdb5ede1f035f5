// 扫积分卡 at the counter: the phone's camera (or a photo of the card) → jsQR → /console/counter?card=<what the QR says>.
(function () {
  var form = document.getElementById('scan-form');
  if (!form) return;
  var field = form.querySelector('input[name=card]');
  var video = document.getElementById('scan-video');
  var said = document.getElementById('scan-status');
  var canvas = document.createElement('canvas');
  var drawing = canvas.getContext('2d', { willReadFrequently: true });
  /** Frames are scaled down to this width: enough for a card's QR, light on a low-end phone. */
  var MAX_WIDTH = 640;
  var EVERY_MS = 150;

  function tell(text) { said.textContent = text; }
  function found(text) { field.value = text; form.submit(); }
  function decode(source, width, height) {
    var scale = Math.min(1, MAX_WIDTH / width);
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    drawing.drawImage(source, 0, 0, canvas.width, canvas.height);
    var code = jsQR(drawing.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height, { inversionAttempts: 'dontInvert' });
    return code && code.data;
  }

  document.getElementById('scan-start').addEventListener('click', function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return tell('这个浏览器不能打开摄像头，请拍照上传');
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      tell('请把积分卡的二维码对准摄像头');
      (function look() {
        var text = video.readyState >= 2 && decode(video, video.videoWidth, video.videoHeight);
        if (!text) return setTimeout(look, EVERY_MS);
        stream.getTracks().forEach(function (track) { track.stop(); });
        found(text);
      })();
    }).catch(function () { tell('无法打开摄像头，请拍照上传'); });
  });

  document.getElementById('scan-photo').addEventListener('change', function (event) {
    var file = event.target.files[0];
    if (!file) return;
    var image = new Image();
    image.onload = function () {
      var text = decode(image, image.naturalWidth, image.naturalHeight);
      if (text) found(text); else tell('没有认出二维码，请再拍一张');
    };
    image.src = URL.createObjectURL(file);
  });
})();
