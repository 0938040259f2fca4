/**
 * The fragment shader the viewer gives NiiVue for 2D slices (Niivue.setCustomSliceShader).
 *
 * NiiVue's own slice shader (fragSliceMMShader) also composites overlay volumes with an outline
 * search over 18 neighbours and PAQD atlases. SliceSAM shows one background volume and its
 * label drawing, never an overlay or a PAQD, so those branches only ever add zero; but a
 * software GL (SwiftShader) runs every branch of a shader for every pixel, so they cost half
 * of each frame there. This is NiiVue's shader with those branches taken out, and the same
 * arithmetic for what remains: the background colour at the layer's opacity, then the
 * drawing's colour from the last colour-map row (drawOpacity; with drawRimOpacity ≥ 0 a pixel
 * whose neighbour on screen holds another label value gets the rim opacity instead).
 *
 * Uniform names and texture units are NiiVue's (volume 0, colormap 1, drawing 7), which
 * setCustomSliceShader binds and draw2D feeds as for its own shader.
 */
export const SLICE_SHADER = `#version 300 es
precision highp int;
precision highp float;
uniform highp sampler3D volume;
uniform highp sampler3D drawing;
uniform highp sampler2D colormap;
uniform float opacity;
uniform float drawOpacity;
uniform float drawRimOpacity;
in vec3 texPos;
out vec4 color;
void main() {
	// Screen-space steps through the volume, taken here in uniform control flow.
	vec3 offsetX = dFdx(texPos);
	vec3 offsetY = dFdy(texPos);
	vec4 background = texture(volume, texPos);
	color = vec4(background.rgb, opacity);
	float drawV = texture(drawing, texPos).r;
	// Label value 0 is transparent in the viewer's colour table: nothing to blend.
	if (drawV <= 0.0) return;
	float nlayer = float(textureSize(colormap, 0).y);
	float row = (nlayer - 0.5) / nlayer;
	vec4 dcolor = texture(colormap, vec2((drawV * 255.0) / 256.0 + 0.5 / 256.0, row));
	dcolor.a *= drawOpacity;
	if (dcolor.a <= 0.0) return;
	if (drawRimOpacity >= 0.0) {
		float L = texture(drawing, texPos - offsetX).r;
		float R = texture(drawing, texPos + offsetX).r;
		float T = texture(drawing, texPos - offsetY).r;
		float B = texture(drawing, texPos + offsetY).r;
		if (L != drawV || R != drawV || T != drawV || B != drawV) dcolor.a = drawRimOpacity;
	}
	color.rgb = mix(color.rgb, dcolor.rgb, dcolor.a);
	color.a = max(drawOpacity, color.a);
}`;
