/* The drawing pad on the book's own pages: draw a digit, and the shipped model reads it in
 * the reader's browser, with no kernel and no server.
 *
 * ONNX Runtime Web (WebAssembly) runs the model that `python -m digitlib.export` wrote at
 * build time.  Everything this file loads is a classic script next to it (book/_ext/web_pad.py
 * writes them), because browsers refuse fetch() and JavaScript modules on file:// pages:
 * so the built book works offline, from any static host and from file://.
 *
 * A page asks for a pad with <div class="digit-pad-web"></div>.  The pad keeps the DOM of
 * the notebook's widget (digitlib.draw.DigitPad): its box has the class "digit-pad", the
 * predicted digit is in ".digit-pad-prediction" (empty while nothing is drawn, "?" when the
 * digit detector says the drawing is not a digit), the bars in ".digit-pad-probabilities".
 * Tests and benchmarks use window.digitPadWeb.
 */
(function () {
  "use strict";

  // The folder of this script, as the page wrote it (relative: the files next to it load
  // from wherever the book is, a static host or the disk).
  const HERE = document.currentScript.getAttribute("src").replace(/[^/]*$/, "");
  const SIZE = 280; // the canvas, in CSS pixels, as the widget's
  const PEN = 18; // the pen shown on the canvas (the model's input uses MNIST's own width)
  const THROTTLE_MS = 80; // at most one prediction per this interval while a stroke is drawn

  // digitlib.preprocess: MNIST's recipe.
  const IMAGE_SIZE = 28;
  const DIGIT_BOX = 20;
  const CENTRE = 14.0;
  const MNIST_STROKE = 2.8;
  const SUPERSAMPLE = 8; // strokes_to_mnist's default

  // --- strokes_to_mnist, in JavaScript -------------------------------------------------

  /** Python's round(): halves go to the even neighbour. */
  function roundHalfEven(x) {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }

  /** preprocess.check_strokes: empty strokes left out, finite (x, y) points only. */
  function checkStrokes(strokes) {
    const checked = strokes.filter((stroke) => stroke.length > 0);
    for (const stroke of checked) {
      for (const point of stroke) {
        if (point.length !== 2 || !point.every(Number.isFinite)) {
          throw new Error("a stroke must hold finite (x, y) points, got " + JSON.stringify(point));
        }
      }
    }
    if (checked.length === 0) throw new Error("the drawing is empty: draw a digit first");
    return checked;
  }

  /** Pillow's resampling coefficients for the BOX filter (Resample.c, precompute_coeffs). */
  function boxCoefficients(inSize, outSize) {
    const scale = inSize / outSize;
    const support = 0.5 * Math.max(scale, 1);
    const ss = 1 / Math.max(scale, 1);
    const result = [];
    for (let xx = 0; xx < outSize; xx++) {
      const centre = (xx + 0.5) * scale;
      const xmin = Math.max(0, Math.trunc(centre - support + 0.5));
      const xmax = Math.min(inSize, Math.trunc(centre + support + 0.5));
      const weights = [];
      let total = 0;
      for (let x = xmin; x < xmax; x++) {
        const t = (x - centre + 0.5) * ss;
        const w = t > -0.5 && t <= 0.5 ? 1 : 0;
        weights.push(w);
        total += w;
      }
      result.push({ start: xmin, weights: weights.map((w) => (total ? w / total : 0)) });
    }
    return result;
  }

  /** Image.resize(size, BOX) on a float image: rows first, then columns, as Pillow does. */
  function resizeBox(ink, width, height, outWidth, outHeight) {
    const across = boxCoefficients(width, outWidth);
    const down = boxCoefficients(height, outHeight);
    const rows = new Float64Array(outWidth * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < outWidth; x++) {
        const { start, weights } = across[x];
        let sum = 0;
        for (let k = 0; k < weights.length; k++) sum += ink[y * width + start + k] * weights[k];
        rows[y * outWidth + x] = sum;
      }
    }
    const out = new Float64Array(outWidth * outHeight);
    for (let y = 0; y < outHeight; y++) {
      const { start, weights } = down[y];
      for (let x = 0; x < outWidth; x++) {
        let sum = 0;
        for (let k = 0; k < weights.length; k++) sum += rows[(start + k) * outWidth + x] * weights[k];
        out[y * outWidth + x] = sum;
      }
    }
    return out;
  }

  /** preprocess._fit_and_centre: longest side 20 px, centre of mass at (14, 14). */
  function fitAndCentre(ink, width, height) {
    const factor = DIGIT_BOX / Math.max(height, width);
    if (factor >= 1) throw new Error("the pad's strokes are always drawn larger than 20 px");
    const w = Math.max(1, roundHalfEven(width * factor));
    const h = Math.max(1, roundHalfEven(height * factor));
    const small = resizeBox(ink, width, height, w, h);
    const out = new Float64Array(IMAGE_SIZE * IMAGE_SIZE);
    const top = Math.floor((IMAGE_SIZE - h) / 2);
    const left = Math.floor((IMAGE_SIZE - w) / 2);
    let mass = 0;
    let rowMoment = 0;
    let columnMoment = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = Math.min(1, Math.max(0, small[y * w + x]));
        out[(top + y) * IMAGE_SIZE + left + x] = v;
        mass += v;
        rowMoment += v * (top + y);
        columnMoment += v * (left + x);
      }
    }
    // ndimage.center_of_mass, then the shift that moves it to (14, 14), kept inside the image
    const clip = (v, low, high) => Math.min(high, Math.max(low, v));
    const dy = clip(CENTRE - rowMoment / mass, -top, IMAGE_SIZE - top - h);
    const dx = clip(CENTRE - columnMoment / mass, -left, IMAGE_SIZE - left - w);
    // ndimage.shift(order=1, mode="constant"): bilinear, nothing from outside the image
    const shifted = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
    const last = IMAGE_SIZE - 1;
    for (let y = 0; y < IMAGE_SIZE; y++) {
      const sy = y - dy;
      if (sy < 0 || sy > last) continue;
      const y0 = Math.floor(sy);
      const y1 = Math.min(y0 + 1, last);
      const fy = sy - y0;
      for (let x = 0; x < IMAGE_SIZE; x++) {
        const sx = x - dx;
        if (sx < 0 || sx > last) continue;
        const x0 = Math.floor(sx);
        const x1 = Math.min(x0 + 1, last);
        const fx = sx - x0;
        const value =
          (1 - fy) * ((1 - fx) * out[y0 * IMAGE_SIZE + x0] + fx * out[y0 * IMAGE_SIZE + x1]) +
          fy * ((1 - fx) * out[y1 * IMAGE_SIZE + x0] + fx * out[y1 * IMAGE_SIZE + x1]);
        shifted[y * IMAGE_SIZE + x] = Math.min(1, Math.max(0, value));
      }
    }
    return shifted;
  }

  /** preprocess.strokes_to_mnist: strokes ([[x, y], ...] per stroke, any pixel units) to the
   * model's 28x28 input, a Float32Array of 784 values in [0, 1], row by row. */
  function strokesToMnist(strokes) {
    const points = checkStrokes(strokes);
    let lowX = Infinity, lowY = Infinity, highX = -Infinity, highY = -Infinity;
    for (const stroke of points) {
      for (const [x, y] of stroke) {
        lowX = Math.min(lowX, x); lowY = Math.min(lowY, y);
        highX = Math.max(highX, x); highY = Math.max(highY, y);
      }
    }
    // Scale so the longest side is 20 px at SUPERSAMPLE times the resolution, with MNIST's pen.
    const extent = Math.max(highX - lowX, highY - lowY);
    const pen = MNIST_STROKE * SUPERSAMPLE;
    const factor = extent > 0 ? (DIGIT_BOX * SUPERSAMPLE - pen) / extent : 0;
    const width = Math.ceil((highX - lowX) * factor + pen) + 1;
    const height = Math.ceil((highY - lowY) * factor + pen) + 1;
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.translate(0.5, 0.5); // Pillow's pixel centres are whole numbers, a canvas's halves
    ctx.fillStyle = ctx.strokeStyle = "#fff";
    ctx.lineWidth = roundHalfEven(pen);
    const radius = pen / 2;
    for (const stroke of points) {
      const xy = stroke.map(([x, y]) => [(x - lowX) * factor + radius, (y - lowY) * factor + radius]);
      for (let i = 1; i < xy.length; i++) { // each segment on its own, as Pillow draws a line
        ctx.beginPath();
        ctx.moveTo(xy[i - 1][0], xy[i - 1][1]);
        ctx.lineTo(xy[i][0], xy[i][1]);
        ctx.stroke();
      }
      for (const [x, y] of xy) { // round caps and joints, as the Python draws them
        ctx.beginPath();
        ctx.arc(x, y, radius, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    // Pillow draws without anti-aliasing: a pixel is ink or not.
    const pixels = ctx.getImageData(0, 0, width, height).data;
    let top = height, bottom = -1, left = width, right = -1;
    const ink = new Float64Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (pixels[(y * width + x) * 4 + 3] >= 128) {
          ink[y * width + x] = 1;
          top = Math.min(top, y); bottom = Math.max(bottom, y);
          left = Math.min(left, x); right = Math.max(right, x);
        }
      }
    }
    const cropWidth = right - left + 1;
    const cropHeight = bottom - top + 1;
    const cropped = new Float64Array(cropWidth * cropHeight);
    for (let y = 0; y < cropHeight; y++) {
      for (let x = 0; x < cropWidth; x++) cropped[y * cropWidth + x] = ink[(top + y) * width + left + x];
    }
    return fitAndCentre(cropped, cropWidth, cropHeight);
  }

  // --- the model ---------------------------------------------------------------------------

  function loadScript(name) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = HERE + name;
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + name));
      document.head.appendChild(script);
    });
  }

  function decodeBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  /**
   * The digit detector's score of the network's features (digitlib.detector.DigitDetector):
   * standardize, one hidden ReLU layer, one output.  A drawing is a digit when it reaches the
   * threshold.
   */
  function digitScore(features, d) {
    const hidden = new Float64Array(d.hidden_size);
    for (let i = 0; i < features.length; i++) {
      const x = (features[i] - d.mean[i]) / d.scale[i];
      for (let j = 0; j < d.hidden_size; j++) hidden[j] += x * d.hidden_weights[i * d.hidden_size + j];
    }
    let score = d.output_bias[0];
    for (let j = 0; j < d.hidden_size; j++) {
      score += Math.max(hidden[j] + d.hidden_bias[j], 0) * d.output_weights[j];
    }
    return score;
  }

  /**
   * Load ONNX Runtime Web, the model and the digit detector; resolves to
   * predict(image) -> {probabilities (10 numbers), score, isDigit}.
   */
  async function loadModel() {
    if (typeof WebAssembly !== "object") throw new Error("this browser cannot run WebAssembly");
    await loadScript("ort.wasm.min.js");
    await loadScript("ort-wasm.js"); // window.DIGIT_PAD_ORT: the runtime's glue code and binary
    await loadScript("digit-cnn.js"); // window.DIGIT_PAD_MODEL: the ONNX file
    await loadScript("digit-detector.js"); // window.DIGIT_PAD_DETECTOR: its parameters
    const ort = window.ort;
    ort.env.wasm.numThreads = 1; // threads need a cross-origin-isolated page
    ort.env.wasm.wasmBinary = decodeBase64(window.DIGIT_PAD_ORT.wasm).buffer;
    const glue = new Blob([window.DIGIT_PAD_ORT.glue], { type: "text/javascript" });
    ort.env.wasm.wasmPaths = { mjs: URL.createObjectURL(glue) };
    const session = await ort.InferenceSession.create(decodeBase64(window.DIGIT_PAD_MODEL), {
      executionProviders: ["wasm"],
    });
    const [input] = session.inputNames;
    const [output, featuresOutput] = session.outputNames;
    const detector = window.DIGIT_PAD_DETECTOR;
    return async function predict(image) {
      const tensor = new ort.Tensor("float32", image, [1, IMAGE_SIZE, IMAGE_SIZE, 1]);
      const result = await session.run({ [input]: tensor });
      const score = digitScore(result[featuresOutput].data, detector);
      return { probabilities: Array.from(result[output].data), score, isDigit: score >= detector.threshold };
    };
  }

  // --- the pad -------------------------------------------------------------------------------

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function showFailure(placeholder, error) {
    placeholder.replaceChildren(
      element("p", "digit-pad-web-error",
        "The pad cannot run in this browser (" + error.message + "). This is what it looks like:"),
    );
    const image = element("img");
    image.src = HERE + "digit-pad.png";
    image.alt = "The drawing pad: a 7 drawn on a black canvas, predicted 7, with the ten probabilities";
    image.className = "digit-pad-web-screenshot";
    placeholder.appendChild(image);
  }

  function buildPad(placeholder, predict) {
    const pad = element("div", "digit-pad digit-pad-web-ready");
    const canvas = element("canvas", "digit-pad-canvas");
    canvas.width = SIZE;
    canvas.height = SIZE;
    canvas.setAttribute("aria-label", "Draw a digit here");
    const clear = element("button", "digit-pad-clear", "Clear");
    clear.type = "button";
    const prediction = element("div", "digit-pad-prediction");
    const confidence = element("div", "digit-pad-confidence", "Draw a digit on the black square.");
    const bars = element("div", "digit-pad-probabilities");
    const preview = element("canvas", "digit-pad-preview");
    preview.width = preview.height = IMAGE_SIZE;
    preview.setAttribute("aria-label", "The 28 by 28 input of the model");
    const side = element("div", "digit-pad-side");
    side.append(element("b", "", "Prediction"), prediction, confidence, bars,
      element("b", "", "What the model sees"), preview);
    const left = element("div", "digit-pad-left");
    left.append(canvas, clear);
    pad.append(left, side);
    placeholder.replaceChildren(pad);

    const ctx = canvas.getContext("2d");
    let strokes = [];
    let drawing = false;
    let running = false; // one prediction at a time
    let again = null; // the mouse-up time of a prediction asked for while one runs
    let lastRun = 0;

    function paint() {
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, SIZE, SIZE);
      ctx.strokeStyle = ctx.fillStyle = "#fff";
      ctx.lineWidth = PEN;
      ctx.lineCap = ctx.lineJoin = "round";
      for (const stroke of strokes) {
        ctx.beginPath();
        ctx.arc(stroke[0][0], stroke[0][1], PEN / 2, 0, 2 * Math.PI);
        ctx.fill();
        ctx.beginPath();
        ctx.moveTo(stroke[0][0], stroke[0][1]);
        for (const [x, y] of stroke.slice(1)) ctx.lineTo(x, y);
        ctx.stroke();
      }
    }

    function show(read, image) {
      const probabilities = read ? read.probabilities : null;
      const ctxPreview = preview.getContext("2d");
      const pixels = ctxPreview.createImageData(IMAGE_SIZE, IMAGE_SIZE);
      for (let i = 0; i < IMAGE_SIZE * IMAGE_SIZE; i++) {
        const v = image ? Math.round(image[i] * 255) : 0;
        pixels.data.set([v, v, v, 255], i * 4);
      }
      ctxPreview.putImageData(pixels, 0, 0);
      const best = probabilities ? probabilities.indexOf(Math.max(...probabilities)) : -1;
      prediction.textContent = !probabilities ? "" : read.isDigit ? String(best) : "?";
      confidence.classList.toggle("digit-pad-not-a-digit", Boolean(read && !read.isDigit));
      if (!probabilities) confidence.textContent = "Draw a digit on the black square.";
      else if (read.isDigit) confidence.textContent = "confidence " + Math.round(probabilities[best] * 100) + "%";
      else {
        confidence.textContent = "That does not look like a digit. (closest: " + best + ", " +
          Math.round(probabilities[best] * 100) + "%)";
      }
      bars.replaceChildren(...Array.from({ length: 10 }, (_, digit) => {
        const share = probabilities ? probabilities[digit] : 0;
        const row = element("div", "digit-pad-bar-row");
        const bar = element("span", digit === best ? "digit-pad-bar digit-pad-bar-best" : "digit-pad-bar");
        bar.style.width = (share * 150).toFixed(1) + "px";
        row.append(element("span", "digit-pad-bar-digit", String(digit)), bar,
          element("span", "digit-pad-bar-share", Math.round(share * 100) + "%"));
        return row;
      }));
    }

    async function read(liftedAt) {
      if (running) {
        if (liftedAt !== undefined) again = liftedAt;
        return;
      }
      running = true;
      lastRun = performance.now();
      try {
        const image = strokesToMnist(strokes);
        const read = await predict(image);
        if (strokes.length) show(read, image); // unless Clear came meanwhile
        if (liftedAt !== undefined) window.digitPadWeb.timings.push(performance.now() - liftedAt);
      } finally {
        running = false;
      }
      if (again !== null) {
        const lifted = again;
        again = null;
        await read(lifted);
      }
    }

    function position(event) {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * SIZE / box.width, (event.clientY - box.top) * SIZE / box.height];
    }

    canvas.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      drawing = true;
      strokes.push([position(event)]);
      paint();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drawing) return;
      event.preventDefault();
      strokes[strokes.length - 1].push(position(event));
      paint();
      if (performance.now() - lastRun >= THROTTLE_MS) read();
    });
    const lift = (event) => {
      if (!drawing) return;
      const liftedAt = event.timeStamp || performance.now();
      drawing = false;
      read(liftedAt);
    };
    canvas.addEventListener("pointerup", lift);
    canvas.addEventListener("pointercancel", lift);
    clear.addEventListener("click", () => {
      strokes = [];
      again = null;
      paint();
      show(null, null);
    });
    paint();
    show(null, null);
  }

  window.digitPadWeb = { strokesToMnist, timings: [], ready: null };

  function start() {
    const placeholders = document.querySelectorAll(".digit-pad-web");
    if (placeholders.length === 0) return;
    placeholders.forEach((placeholder) => placeholder.replaceChildren(
      element("p", "digit-pad-web-loading", "Loading the drawing pad (the model and ONNX Runtime)…"),
    ));
    window.digitPadWeb.ready = loadModel().then(
      (predict) => {
        window.digitPadWeb.predict = predict;
        placeholders.forEach((placeholder) => buildPad(placeholder, predict));
        return true;
      },
      (error) => {
        placeholders.forEach((placeholder) => showFailure(placeholder, error));
        return false;
      },
    );
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
